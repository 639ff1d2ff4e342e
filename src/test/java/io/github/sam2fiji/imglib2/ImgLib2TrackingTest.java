package io.github.sam2fiji.imglib2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import net.imglib2.Cursor;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.progress.ProgressListener;
import io.github.sam2fiji.core.prompt.BoxPrompt;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.ij.HyperstackTracking;
import io.github.sam2fiji.ij.PlacedPrompt;
import io.github.sam2fiji.ij.PromptSet;
import io.github.sam2fiji.ij.SequenceLayout;
import io.github.sam2fiji.ij.TrackAxis;
import io.github.sam2fiji.testing.FakeTracker;

/**
 * The ImgLib2 entry point tracks through the same core use case as the ImageJ one: the same frames
 * and prompts give the same labels in both (overlaps included: one paint rule).
 */
class ImgLib2TrackingTest {

	@Test
	void theSameLabelsAsTheImageJAdapter() {
		int w = 40, h = 30, t = 5;
		Img<UnsignedByteType> frames = ArrayImgs.unsignedBytes(w, h, t);
		Cursor<UnsignedByteType> c = frames.localizingCursor();
		while (c.hasNext()) c.next().set((c.getIntPosition(0) * 3 + c.getIntPosition(2)) % 200);
		List<ObjectPrompt> prompts = List.of(
			ObjectPrompt.points(3, 1, List.of(new PointPrompt(10, 10, true))),
			ObjectPrompt.box(7, 2, new BoxPrompt(8, 6, 20, 18)));
		Img<UnsignedShortType> labels = ImgLib2Tracking.track(new FakeTracker(), frames, false, prompts, Direction.BOTH, ProgressListener.NONE, CancellationToken.NEVER);

		ImageStack stack = new ImageStack(w, h);
		for (int z = 0; z < t; z++) {
			ByteProcessor ip = new ByteProcessor(w, h);
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) ip.set(x, y, (x * 3 + z) % 200);
			stack.addSlice(ip);
		}
		ImagePlus imp = new ImagePlus("same", stack);
		imp.setDimensions(1, 1, t);
		ImagePlus expected = HyperstackTracking.track(new FakeTracker(), SequenceLayout.of(imp, TrackAxis.T, 1),
			PromptSet.of(prompts.stream().map(p -> new PlacedPrompt(PlacedPrompt.ALL_SEQUENCES, p)).toList()), Direction.BOTH, ProgressListener.NONE, CancellationToken.NEVER).labels();
		int both = 0;
		Cursor<UnsignedShortType> l = labels.localizingCursor();
		while (l.hasNext()) {
			int mine = l.next().get();
			int theirs = (int) expected.getStack().getProcessor(l.getIntPosition(2) + 1).getf(l.getIntPosition(0), l.getIntPosition(1));
			assertEquals(theirs, mine, "at " + l.getIntPosition(0) + ", " + l.getIntPosition(1) + ", " + l.getIntPosition(2));
			if (mine == 7 && l.getIntPosition(0) == 10 && l.getIntPosition(1) == 10) both++;
		}
		assertEquals(t, both, "where the click disc and the box overlap, the higher score (object 7) has the pixel on every frame");
	}
}
