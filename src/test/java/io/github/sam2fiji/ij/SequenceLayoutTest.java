package io.github.sam2fiji.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import ij.ImagePlus;
import ij.ImageStack;
import ij.VirtualStack;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import io.github.sam2fiji.core.image.Frame;
import io.github.sam2fiji.testing.TestImages;

class SequenceLayoutTest {

	/** An Image Sequence import is z slices to ImageJ: axis=auto tracks through z, and says so (with what to do) before the run. */
	@Test
	void autoThroughZIsSaid() {
		var slices = TestImages.hyperstack("imported", 16, 16, 1, 92, 1);
		assertEquals("tracking through z: imported has 92 z slices and 1 time point (if the slices are time points, make them frames with "
			+ "Image > Properties, or use axis=t after that)", SequenceLayout.of(slices, TrackAxis.AUTO, 1).autoAxisNote(TrackAxis.AUTO));
		assertNull(SequenceLayout.of(slices, TrackAxis.Z, 1).autoAxisNote(TrackAxis.Z), "asked for z: nothing to say");
		assertNull(SequenceLayout.of(TestImages.hyperstack("movie", 16, 16, 1, 1, 7), TrackAxis.AUTO, 1).autoAxisNote(TrackAxis.AUTO));
		assertNull(SequenceLayout.of(TestImages.hyperstack("3d+t", 16, 16, 1, 4, 3), TrackAxis.AUTO, 1).autoAxisNote(TrackAxis.AUTO));
	}

	@Test
	void autoAxisPicksTimeThenZ() {
		SequenceLayout timeLapse = SequenceLayout.of(TestImages.hyperstack("2d+t", 16, 16, 1, 1, 7), TrackAxis.AUTO, 1);
		assertEquals(TrackAxis.T, timeLapse.axis());
		assertEquals(7, timeLapse.frameCount());
		assertEquals(1, timeLapse.sequenceCount());

		SequenceLayout volume = SequenceLayout.of(TestImages.hyperstack("3d", 16, 16, 1, 5, 1), TrackAxis.AUTO, 1);
		assertEquals(TrackAxis.Z, volume.axis());
		assertEquals(5, volume.frameCount());

		SequenceLayout movie = SequenceLayout.of(TestImages.hyperstack("3d+t", 16, 16, 2, 3, 4), TrackAxis.AUTO, 1);
		assertEquals(TrackAxis.T, movie.axis());
		assertEquals(4, movie.frameCount());
		assertEquals(3, movie.sequenceCount());
		SequenceLayout throughZ = SequenceLayout.of(TestImages.hyperstack("3d+t", 16, 16, 2, 3, 4), TrackAxis.Z, 1);
		assertEquals(3, throughZ.frameCount());
		assertEquals(4, throughZ.sequenceCount());
		// Trackers learn whether frames are z slices (objects that end, end) or time points.
		assertTrue(volume.source(0).isVolume());
		assertTrue(throughZ.source(0).isVolume());
		assertFalse(timeLapse.source(0).isVolume());
		assertFalse(movie.source(2).isVolume());
	}

	@Test
	void unsupportedChoicesAreExplained() {
		ImagePlus volume = TestImages.hyperstack("vol", 16, 16, 1, 5, 1);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SequenceLayout.of(volume, TrackAxis.T, 1));
		assertTrue(e.getMessage().contains("use axis=z"), e.getMessage());
		ImagePlus movie = TestImages.hyperstack("mov", 16, 16, 1, 1, 5);
		e = assertThrows(IllegalArgumentException.class, () -> SequenceLayout.of(movie, TrackAxis.Z, 1));
		assertTrue(e.getMessage().contains("use axis=t"), e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> SequenceLayout.of(movie, TrackAxis.T, 2));
		assertTrue(e.getMessage().contains("Channel 2 does not exist"), e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> TrackAxis.parse("x"));
		assertTrue(e.getMessage().contains("auto, z or t"), e.getMessage());
	}

	@Test
	void framesComeFromTheChosenChannelAndSequence() {
		ImagePlus image = TestImages.hyperstack("4d", 40, 30, 2, 3, 4);
		SequenceLayout layout = SequenceLayout.of(image, TrackAxis.T, 2);
		for (int z = 0; z < 3; z++)
			for (int t = 0; t < 4; t++) {
				Frame f = layout.source(z).read(t);
				// Disc centre value encodes the plane: 1000 c + 100 z + t (1-based).
				assertEquals(2000 + 100 * (z + 1) + (t + 1), f.get(0, 40 / 3 + t + 1, 15));
			}
		assertEquals(16, layout.source(0).bitDepth());
		SequenceLayout alongZ = SequenceLayout.of(image, TrackAxis.Z, 1);
		assertEquals(1000 + 300 + 2, alongZ.source(1).read(2).get(0, 40 / 3 + 2, 15));
		assertThrows(IndexOutOfBoundsException.class, () -> layout.source(0).read(4));
	}

	@Test
	void rgbFramesHaveThreeChannels() {
		ColorProcessor cp = new ColorProcessor(8, 8);
		cp.set(3, 2, 0x102030);
		Frame f = SequenceLayout.of(new ImagePlus("rgb", cp), TrackAxis.AUTO, 1).source(0).read(0);
		assertEquals(3, f.channels());
		assertEquals(8, SequenceLayout.of(new ImagePlus("rgb", cp), TrackAxis.AUTO, 1).source(0).bitDepth());
		assertEquals(0x10, f.get(0, 3, 2));
		assertEquals(0x20, f.get(1, 3, 2));
		assertEquals(0x30, f.get(2, 3, 2));
	}

	/** A virtual stack that makes planes on demand and records which ones were asked for. */
	private static final class CountingVirtualStack extends VirtualStack {
		final List<Integer> requested = new ArrayList<>();
		private final int size;

		CountingVirtualStack(int w, int h, int size) {
			super(w, h, null, null);
			this.size = size;
		}

		@Override
		public ImageProcessor getProcessor(int n) {
			requested.add(n);
			ShortProcessor ip = new ShortProcessor(getWidth(), getHeight());
			ip.set(0, 0, n);
			return ip;
		}

		@Override
		public int getSize() {
			return size;
		}

		@Override
		public String getSliceLabel(int n) {
			return null;
		}
	}

	@Test
	void virtualStacksAreReadOnlyWhereAsked() {
		CountingVirtualStack stack = new CountingVirtualStack(10, 10, 50);
		ImagePlus image = new ImagePlus("virtual", (ImageStack) stack);
		image.setDimensions(1, 1, 50);
		stack.requested.clear();
		ImagePlusFrameSource source = SequenceLayout.of(image, TrackAxis.AUTO, 1).source(0);
		assertEquals(50, source.frameCount());
		assertEquals(List.of(), stack.requested);
		assertEquals(17, source.read(16).get(0, 0, 0));
		assertEquals(List.of(17), stack.requested);
	}
}
