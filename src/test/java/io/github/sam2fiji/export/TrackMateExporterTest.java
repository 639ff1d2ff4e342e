package io.github.sam2fiji.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.measure.Calibration;
import ij.process.ShortProcessor;
import io.github.sam2fiji.ij.ObjectMeasurement;

/**
 * The TrackMate file of a tracking result: read back with the rules of TrackMate's reader
 * ({@link TrackMateXmlRules}) and checked against the labels it came from.
 */
class TrackMateExporterTest {

	@TempDir
	Path dir;

	/**
	 * 6 frames, 0.5 um pixels, 2 s apart: object 1 on every frame (drifting right), object 2 on
	 * frames 0-1 and again 4-5 (it left and came back), object 3 on frame 3 only.
	 */
	private static ImagePlus labels() {
		ImageStack stack = new ImageStack(64, 48);
		for (int t = 0; t < 6; t++) {
			ShortProcessor p = new ShortProcessor(64, 48);
			p.setValue(1);
			p.fillOval(4 + 2 * t, 6, 12, 10);
			if (t <= 1 || t >= 4) {
				p.setValue(2);
				p.fill(new ij.gui.Roi(40, 30, 8, 6));
			}
			if (t == 3) {
				p.setValue(3);
				p.fill(new ij.gui.Roi(20, 36, 4, 4));
			}
			stack.addSlice(p);
		}
		ImagePlus labels = new ImagePlus("movie-labels", stack);
		labels.setDimensions(1, 1, 6);
		Calibration cal = new Calibration();
		cal.pixelWidth = cal.pixelHeight = 0.5;
		cal.setUnit("micron");
		cal.frameInterval = 2;
		cal.setTimeUnit("sec");
		labels.setCalibration(cal);
		return labels;
	}

	/** Area and centroid per object and frame, as the plugin measures its labels. */
	private static List<ObjectMeasurement> measure(ImagePlus labels) {
		List<ObjectMeasurement> out = new ArrayList<>();
		for (int t = 1; t <= labels.getNFrames(); t++) {
			var p = labels.getStack().getProcessor(t);
			for (int id = 1; id <= 3; id++) {
				int area = 0;
				double sx = 0, sy = 0;
				for (int y = 0; y < p.getHeight(); y++)
					for (int x = 0; x < p.getWidth(); x++)
						if ((int) p.getf(x, y) == id) {
							area++;
							sx += x;
							sy += y;
						}
				if (area > 0) out.add(new ObjectMeasurement(id, 1, t, area, sx / area, sy / area, 3.5f, 0.9f, true));
			}
		}
		return out;
	}

	@Test
	void trackMatesReaderFindsEverySpotEdgeAndTheImageWithTheGapBridged() throws Exception {
		ImagePlus labels = labels();
		ImagePlus input = new ImagePlus("movie", labels.getStack().convertToFloat().duplicate());
		Path tif = dir.resolve("movie.tif");
		new FileSaver(input).saveAsTiffStack(tif.toString());
		// opened by a relative path, as a command line gets it: the file must still name the absolute folder
		input = IJ.openImage(Path.of("").toAbsolutePath().relativize(tif).toString());
		List<ObjectMeasurement> measurements = measure(labels);
		Path xml = dir.resolve("movie.xml");
		TrackMateExporter.write(input, labels, measurements, Map.of(1, "left", 2, "blinker"), xml);

		TrackMateXmlRules.Read read = TrackMateXmlRules.read(xml);
		assertEquals(List.of(), read.problems());
		assertEquals(measurements.size(), read.spots().size(), "one spot per object and frame");
		assertEquals("movie.tif", read.imageData().getAttribute("filename"));
		assertEquals(dir.toRealPath() + java.io.File.separator, Path.of(read.imageData().getAttribute("folder")).toRealPath() + java.io.File.separator);
		assertTrue(Path.of(read.imageData().getAttribute("folder")).isAbsolute());
		assertEquals("6", read.imageData().getAttribute("nframes"));
		assertEquals(2, read.tracks().size(), "objects 1 and 2 (object 3 is a single spot, no track)");
		assertEquals(read.tracks().keySet(), read.filtered());

		// object 1: 5 edges; object 2: 1 + 1 + the gap edge from frame 1 to frame 4
		List<Integer> edgeCounts = read.tracks().values().stream().map(List::size).sorted().toList();
		assertEquals(List.of(3, 5), edgeCounts);
		boolean gapBridged = read.tracks().values().stream().flatMap(List::stream)
			.anyMatch(e -> read.spots().get(e[0]).frame() == 1 && read.spots().get(e[1]).frame() == 4);
		assertTrue(gapBridged, "the return after the gap is linked to the object's last spot before it");

		for (TrackMateXmlRules.Spot s : read.spots().values()) {
			int id = s.features().get("SAM2_OBJECT_ID").intValue();
			ObjectMeasurement m = measurements.stream().filter(x -> x.objectId() == id && x.t() - 1 == s.frame()).findFirst().orElseThrow();
			assertEquals((m.centroidX() + 0.5) * 0.5, s.features().get("POSITION_X"), 1e-9, "centroid in microns");
			assertEquals(m.area() * 0.25, s.features().get("AREA"), 1e-9);
			assertEquals(s.frame() * 2.0, s.features().get("POSITION_T"), 1e-9);
			assertEquals(m.area() * 0.25, polygonArea(s.roi()), m.area() * 0.25 * 0.05, "the outline encloses the object's area");
			int ctcLabel = s.features().get("SAM2_CTC_LABEL").intValue();
			assertEquals(id == 2 && s.frame() >= 4 ? 4 : id, ctcLabel, "the return is CTC track 4, child of track 2");
		}
	}

	@Test
	void zStacksAreRefusedInOneLine() {
		ImageStack stack = new ImageStack(8, 8);
		for (int i = 0; i < 4; i++) stack.addSlice(new ShortProcessor(8, 8));
		ImagePlus z = new ImagePlus("z-labels", stack);
		z.setDimensions(1, 2, 2);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrackMateExporter.write(null, z, List.of(), Map.of(), dir.resolve("z.xml")));
		assertTrue(e.getMessage().startsWith("TrackMate export is for time-lapses tracked through t: z-labels has 2 z slices"), e.getMessage());
		assertTrue(!Files.exists(dir.resolve("z.xml")));
	}

	private static double polygonArea(double[] xy) {
		double a = 0;
		int n = xy.length / 2;
		for (int i = 0; i < n; i++) {
			int j = (i + 1) % n;
			a += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
		}
		return Math.abs(a) / 2;
	}

	/** Object 1 on frames 0-2 divides into 4 and 5 (frames 3-5). */
	private static ImagePlus dividing() {
		ImageStack stack = new ImageStack(64, 48);
		for (int t = 0; t < 6; t++) {
			ShortProcessor p = new ShortProcessor(64, 48);
			if (t < 3) {
				p.setValue(1);
				p.fillOval(20, 14, 16, 16);
			}
			else {
				p.setValue(4);
				p.fillOval(14 - t, 16, 10, 10);
				p.setValue(5);
				p.fillOval(34 + t, 16, 10, 10);
			}
			stack.addSlice(p);
		}
		ImagePlus labels = new ImagePlus("dividing-labels", stack);
		labels.setDimensions(1, 1, 6);
		return labels;
	}

	@Test
	void aDivisionIsOneBranchingTrackInTrackMateAndTwoDaughterLinesInTheCtcResult() throws Exception {
		ImagePlus labels = dividing();
		List<ObjectMeasurement> measurements = new ArrayList<>();
		for (int t = 1; t <= 6; t++) {
			var p = labels.getStack().getProcessor(t);
			for (int id : new int[] { 1, 4, 5 }) {
				int area = 0;
				double sx = 0, sy = 0;
				for (int y = 0; y < 48; y++)
					for (int x = 0; x < 64; x++)
						if ((int) p.getf(x, y) == id) {
							area++;
							sx += x;
							sy += y;
						}
				if (area > 0) measurements.add(new ObjectMeasurement(id, 1, t, area, sx / area, sy / area, 3.5f, 0.9f, true));
			}
		}
		Map<Integer, Integer> parents = Map.of(4, 1, 5, 1);
		Path xml = dir.resolve("dividing.xml");
		TrackMateExporter.write(labels, labels, measurements, Map.of(), parents, xml);
		TrackMateXmlRules.Read read = TrackMateXmlRules.read(xml);
		assertEquals(List.of(), read.problems());
		assertEquals(9, read.spots().size());
		assertEquals(1, read.tracks().size(), "mother and daughters are one track");
		assertEquals(2 + 2 + 2 + 2, read.tracks().values().iterator().next().size(), "two edges per cell's own frames, two from the mother to her daughters");

		Path ctc = dir.resolve("01_RES");
		CtcExporter.write(labels, parents, ctc);
		assertEquals(List.of("1 0 2 0", "4 3 5 1", "5 3 5 1"), Files.readAllLines(ctc.resolve("res_track.txt")));
		// without the lineage the daughters are orphans
		CtcExporter.write(labels, dir.resolve("02_RES"));
		assertEquals(List.of("1 0 2 0", "4 3 5 0", "5 3 5 0"), Files.readAllLines(dir.resolve("02_RES").resolve("res_track.txt")));
	}
}
