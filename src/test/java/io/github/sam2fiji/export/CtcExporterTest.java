package io.github.sam2fiji.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.Opener;
import ij.io.TiffDecoder;
import io.github.sam2fiji.ij.LabelImageWriter;

class CtcExporterTest {

	@Test
	void writesOneMaskPerTimePointAndTheTrackTable(@TempDir Path dir) throws Exception {
		LabelImageWriter writer = new LabelImageWriter("l", 20, 10, 1, 4, null);
		ImagePlus labels = writer.image();
		// Object 3 on t 0..2, object 7 on t 1 and 3 (a gap at t 2).
		for (int t = 1; t <= 4; t++) {
			var ip = labels.getStack().getProcessor(t);
			if (t <= 3) ip.set(2, 2, 3);
			if (t == 2 || t == 4) ip.set(10, 5, 7);
		}
		CtcExporter.write(labels, dir);
		// object 7's return after the gap is a new track (label 8, above every label) with 7 as its parent
		assertEquals(List.of("3 0 2 0", "7 1 1 0", "8 3 3 7"), Files.readAllLines(dir.resolve("res_track.txt")));
		for (int t = 0; t < 4; t++) {
			Path file = dir.resolve(String.format("mask%03d.tif", t));
			assertTrue(Files.isRegularFile(file), file.toString());
			FileInfo[] info = new TiffDecoder(dir.toString() + "/", file.getFileName().toString()).getTiffInfo();
			assertEquals(FileInfo.COMPRESSION_NONE, info[0].compression);
			ImagePlus mask = IJ.openImage(file.toString());
			assertEquals(16, mask.getBitDepth());
			assertEquals(t <= 2 ? 3 : 0, (int) mask.getProcessor().getf(2, 2));
			assertEquals(t == 1 ? 7 : t == 3 ? 8 : 0, (int) mask.getProcessor().getf(10, 5), "t " + t);
		}
		assertEquals(7, (int) labels.getStack().getProcessor(4).getf(10, 5), "the label image keeps the object's one ID");
		assertTrue(new Opener().openImage(dir.resolve("mask001.tif").toString()).getProcessor().getf(10, 5) == 7);
	}

	@Test
	void moreDigitsBeyondAThousandFrames() {
		assertEquals(3, CtcExporter.digits(1));
		assertEquals(3, CtcExporter.digits(1000));
		assertEquals(4, CtcExporter.digits(1001));
		assertEquals(5, CtcExporter.digits(12000));
	}

	@Test
	void threeDTimePointsKeepTheirSlices(@TempDir Path dir) throws Exception {
		LabelImageWriter writer = new LabelImageWriter("l", 8, 8, 3, 2, null);
		ImagePlus labels = writer.image();
		labels.getStack().getProcessor(labels.getStackIndex(1, 3, 2)).set(1, 1, 4);
		CtcExporter.write(labels, dir);
		ImagePlus t1 = IJ.openImage(dir.resolve("mask001.tif").toString());
		assertEquals(3, t1.getStackSize());
		assertEquals(4, (int) t1.getStack().getProcessor(3).getf(1, 1));
		assertEquals(List.of("4 1 1 0"), Files.readAllLines(dir.resolve("res_track.txt")));
	}
}
