package io.github.sam2fiji.imglib2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import net.imglib2.RandomAccess;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.basictypeaccess.array.ShortArray;
import net.imglib2.type.numeric.integer.ByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.view.Views;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.image.Frame;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

class ImgLib2AdaptersTest {

	@Test
	void framesAreReadPerPlaneWithTheTypesOwnValues() {
		ArrayImg<UnsignedShortType, ShortArray> img = ArrayImgs.unsignedShorts(6, 4, 3);
		RandomAccess<UnsignedShortType> ra = img.randomAccess();
		for (int t = 0; t < 3; t++) {
			ra.setPosition(new long[] { 5, 3, t });
			ra.get().set(60000 + t);
		}
		RaiFrameSource<UnsignedShortType> source = new RaiFrameSource<>(img);
		assertEquals(3, source.frameCount());
		assertEquals(16, source.bitDepth());
		assertEquals(6, source.width());
		assertEquals(4, source.height());
		for (int t = 0; t < 3; t++) {
			Frame f = source.read(t);
			assertEquals(60000 + t, f.get(0, 5, 3));
			assertEquals(0, f.get(0, 0, 0));
		}
		assertThrows(IndexOutOfBoundsException.class, () -> source.read(3));
	}

	@Test
	void signedTypesAndOffsetViewsAndSingleFrames() {
		ArrayImg<ByteType, ByteArray> img = ArrayImgs.bytes(new byte[] { -5, 1, 2, 3 }, 2, 2);
		RaiFrameSource<ByteType> single = new RaiFrameSource<>(Views.translate(img, 10, 20));
		assertEquals(1, single.frameCount());
		assertEquals(0, single.bitDepth(), "signed bytes: unknown depth, judged per frame");
		assertEquals(-5, single.read(0).get(0, 0, 0));
		assertEquals(3, single.read(0).get(0, 1, 1));
		assertThrows(IllegalArgumentException.class, () -> new RaiFrameSource<>(ArrayImgs.bytes(2, 2, 2, 2)));
	}

	@Test
	void labelsAreWrittenPerFrameAndOverlapsGoToTheHigherScore() {
		ArrayImg<UnsignedShortType, ShortArray> labels = ArrayImgs.unsignedShorts(4, 3, 2);
		LabelImgWriter writer = new LabelImgWriter(labels);
		byte[] left = new byte[12], right = new byte[12];
		for (int y = 0; y < 3; y++) {
			left[y * 4] = left[y * 4 + 1] = 1;
			right[y * 4 + 1] = right[y * 4 + 2] = 1;
		}
		writer.write(new FrameResult(1, List.of(
			new ObjectResult(2, 1, BinaryMask.of(4, 3, left), 0.5f, 0.9f, true),
			new ObjectResult(7, 1, BinaryMask.of(4, 3, right), 2f, 0.9f, true),
			new ObjectResult(9, 1, BinaryMask.of(4, 3, right), 5f, 0.9f, false))));
		RandomAccess<UnsignedShortType> ra = labels.randomAccess();
		int[] expected = { 2, 7, 7, 0 };
		for (int x = 0; x < 4; x++) {
			ra.setPosition(new long[] { x, 2, 1 });
			assertEquals(expected[x], ra.get().get(), "x=" + x);
			ra.setPosition(new long[] { x, 2, 0 });
			assertEquals(0, ra.get().get(), "frame 0 untouched");
		}
	}
}
