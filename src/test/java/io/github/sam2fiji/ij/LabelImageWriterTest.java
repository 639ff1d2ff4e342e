package io.github.sam2fiji.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import ij.measure.Calibration;
import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

/** What the label image's measurements say of overlapping masks. */
class LabelImageWriterTest {

	private static BinaryMask columns(int width, int height, int from, int to) {
		byte[] bits = new byte[width * height];
		for (int y = 0; y < height; y++)
			for (int x = from; x < to; x++) bits[y * width + x] = 1;
		return BinaryMask.of(width, height, bits);
	}

	@Test
	void pixelsThePainterGaveAnotherObjectCountAsLost() {
		int w = 10, h = 4;
		LabelImageWriter writer = new LabelImageWriter("labels", w, h, 1, 1, new Calibration());
		// object 1 (columns 0-5) and object 2 (columns 4-9) overlap on columns 4-5; the higher score wins them;
		// object 2 had also lost 3 pixels in the tracker's own resolution
		writer.write(1, 1, new FrameResult(0, List.of(
			new ObjectResult(1, 0, columns(w, h, 0, 6), 2f, 0.9f, true),
			new ObjectResult(2, 0, columns(w, h, 4, 10), 5f, 0.9f, true, null, 3))));
		List<ObjectMeasurement> ms = writer.measurements();
		assertEquals(2, ms.size());
		ObjectMeasurement one = ms.stream().filter(m -> m.objectId() == 1).findFirst().orElseThrow();
		ObjectMeasurement two = ms.stream().filter(m -> m.objectId() == 2).findFirst().orElseThrow();
		assertEquals(16, one.area());
		assertEquals(8, one.lostToOthers(), "the two overlapping columns went to the higher score");
		assertEquals(24, two.area());
		assertEquals(3, two.lostToOthers());
	}
}
