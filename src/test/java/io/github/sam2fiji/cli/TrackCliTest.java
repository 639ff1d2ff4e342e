package io.github.sam2fiji.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.gui.OvalRoi;
import ij.process.ShortProcessor;
import io.github.sam2fiji.testing.FakeTracker;
import io.github.sam2fiji.testing.TestImages;

/** The command line with the {@link FakeTracker} test double in place of a model. */
class TrackCliTest {

	@TempDir
	Path dir;

	private final FakeCli cli = new FakeCli();
	private final FakeTracker tracker = cli.tracker;
	private final StringWriter err = cli.err;

	private int run(String... args) {
		return cli.run(args);
	}

	private Path stack(String name, int frames) {
		Path file = dir.resolve("in").resolve(name);
		try {
			Files.createDirectories(file.getParent());
		}
		catch (java.io.IOException e) {
			throw new IllegalStateException(e);
		}
		ImagePlus imp = TestImages.hyperstack(name, 40, 30, 1, 1, frames);
		assertTrue(new FileSaver(imp).saveAsTiffStack(file.toString()));
		return file;
	}

	private Path write(String name, String... lines) throws Exception {
		Path f = dir.resolve(name);
		Files.write(f, List.of(lines));
		return f;
	}

	@Test
	void aFolderOfTwoStacksGivesTwoLabelStacks() throws Exception {
		stack("a.tif", 4);
		stack("b.tif", 6);
		Path points = write("points.csv", "object_id,frame,x,y,label", "1,1,10,10,1", "1,1,30,10,0", "2,0,25,20,1");
		Path out = dir.resolve("out");
		int code = run("track", "--model", dir.toString(), "--input", dir.resolve("in").toString(), "--points", points.toString(), "--output", out.toString(), "--ctc", dir.resolve("ctc").toString());
		assertEquals(0, code, err.toString());
		for (String name : List.of("a", "b")) {
			ImagePlus labels = IJ.openImage(out.resolve(name + "-labels.tif").toString());
			assertEquals(16, labels.getBitDepth(), name);
			assertEquals(40, labels.getWidth());
			assertEquals(name.equals("a") ? 4 : 6, labels.getStackSize());
			for (int i = 1; i <= labels.getStackSize(); i++) {
				assertEquals(1, (int) labels.getStack().getProcessor(i).getf(10, 10));
				assertEquals(2, (int) labels.getStack().getProcessor(i).getf(25, 20));
			}
			assertTrue(Files.isRegularFile(dir.resolve("ctc").resolve(name).resolve("res_track.txt")));
			assertTrue(Files.isRegularFile(dir.resolve("ctc").resolve(name).resolve("mask000.tif")));
		}
		assertEquals(2, tracker.sessions);

		// with a TrackMate file per stack: spots for both objects on every frame, each object one track
		Path trackmate = dir.resolve("trackmate");
		Files.createDirectories(trackmate);
		assertEquals(0, run("track", "--model", dir.toString(), "--input", dir.resolve("in").toString(), "--points", points.toString(), "--output",
			dir.resolve("out2").toString(), "--trackmate", trackmate.toString()), err.toString());
		io.github.sam2fiji.export.TrackMateXmlRules.Read read = io.github.sam2fiji.export.TrackMateXmlRules.read(trackmate.resolve("b-trackmate.xml"));
		assertEquals(List.of(), read.problems());
		assertEquals(2 * 6, read.spots().size());
		assertEquals(2, read.tracks().size());
		assertEquals("b.tif", read.imageData().getAttribute("filename"), "TrackMate opens the input with it");
		assertTrue(err.toString().contains("a-labels.tif"), err.toString());
	}

	@Test
	void theGraphCacheIsTheOptionsOrTheEnvironmentsOrNone() throws Exception {
		Path input = stack("g.tif", 2);
		Path points = write("points-g.csv", "object_id,frame,x,y,label", "1,0,10,10,1");
		String[] common = { "track", "--model", dir.toString(), "--input", input.toString(), "--points", points.toString(), "--output", dir.resolve("g-labels.tif").toString() };
		assertEquals(0, run(common), err.toString());
		assertEquals(io.github.sam2fiji.core.runtime.OptimizedGraphCache.defaultFolder(), cli.lastOptions.graphCache(), "the default folder");
		assertEquals(0, run(concat(common, "--graph-cache", dir.resolve("gc").toString())), err.toString());
		assertEquals(dir.resolve("gc"), cli.lastOptions.graphCache());
		assertEquals(0, run(concat(common, "--graph-cache", "off")), err.toString());
		assertEquals(null, cli.lastOptions.graphCache());
	}

	private static String[] concat(String[] a, String... b) {
		String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, all, a.length, b.length);
		return all;
	}

	@Test
	void theResultsTableIsWrittenAsCsvWithEveryObjectOnEveryFrame() throws Exception {
		Path input = stack("r.tif", 3);
		Path points = write("points-r.csv", "object_id,frame,x,y,label", "1,0,10,10,1", "2,0,25,20,1");
		Path csv = dir.resolve("tables").resolve("r-results.csv");
		assertEquals(0, run("track", "--model", dir.toString(), "--input", input.toString(), "--points", points.toString(), "--output", dir.resolve("r-labels.tif").toString(),
			"--results", csv.toString()), err.toString());
		ij.measure.ResultsTable table = ij.measure.ResultsTable.open(csv.toString());
		assertEquals(2 * 3, table.size(), "two objects on three frames");
		for (String column : List.of("Object", "T", "Area (pixels)", "X", "Y", "Object score", "IoU", "Stability", "Doubt"))
			assertTrue(table.columnExists(column), column + " in " + table.getColumnHeadings());
		for (int row = 0; row < table.size(); row++) {
			int object = (int) table.getValue("Object", row);
			assertTrue(object == 1 || object == 2);
			assertEquals(object == 1 ? "object 1" : "object 2", table.getStringValue("Name", row));
			assertTrue(table.getValue("Area (pixels)", row) > 0, "row " + row);
		}
		try (var names = Files.list(csv.getParent())) {
			assertEquals(List.of(csv), names.toList(), "the table alone: no temporary file left beside it");
		}
	}

	@Test
	void boxesAndLabelsArePromptsToo() throws Exception {
		Path input = stack("c.tif", 3);
		Path boxes = write("boxes.csv", "object_id,frame,x0,y0,x1,y1", "4,2,5,5,15,12");
		assertEquals(0, run("track", "--model", dir.toString(), "--input", input.toString(), "--boxes", boxes.toString(), "--output", dir.resolve("c-boxes.tif").toString()), err.toString());
		ImagePlus labels = IJ.openImage(dir.resolve("c-boxes.tif").toString());
		assertEquals(4, (int) labels.getStack().getProcessor(1).getf(10, 10));

		ShortProcessor plane = new ShortProcessor(40, 30);
		plane.setValue(9);
		plane.fill(new OvalRoi(20, 10, 8, 8));
		Path labelFile = dir.resolve("labels.tif");
		new FileSaver(new ImagePlus("l", plane)).saveAsTiff(labelFile.toString());
		assertEquals(0, run("track", "--model", dir.toString(), "--input", input.toString(), "--labels", labelFile.toString(), "--output", dir.resolve("c-l.tif").toString(), "--direction", "forward"), err.toString());
		labels = IJ.openImage(dir.resolve("c-l.tif").toString());
		assertEquals(9, (int) labels.getStack().getProcessor(3).getf(24, 14));
	}

	@Test
	void aBadCsvExitsWithTheLineNumber() throws Exception {
		Path input = stack("d.tif", 3);
		Path points = write("bad.csv", "object_id,frame,x,y,label", "1,0,10,10,1", "", "1,0,12,x,1");
		int code = run("track", "--model", dir.toString(), "--input", input.toString(), "--points", points.toString(), "--output", dir.resolve("o.tif").toString());
		assertEquals(1, code);
		assertEquals("sam2-fiji track: bad.csv line 4: y must be a number, got 'x'", err.toString().lines().reduce((a, b) -> b).orElse(""));
		assertFalse(Files.exists(dir.resolve("o.tif")));
		assertEquals(0, cli.opened, "bad prompts are found before the model is loaded");

		String[][] cases = {
			{ "object_id,frame,x,y,label|1,7,10,10,1", "line 2: frame 7 is outside the image's frames 0 to 2" },
			{ "object_id,frame,x,y,label|1,0,10,10,2", "line 2: label must be 1 (positive) or 0 (negative)" },
			{ "object_id,frame,x,y|1,0,10,10", "line 1: expected the header line" },
			{ "object_id,frame,x,y,label|1,0,100,10,1", "line 2: point (100.0, 10.0) is outside the 40 x 30 image" },
			{ "object_id,frame,x,y,label|0,0,10,10,1", "line 2: object_id must be 1 to 65535" },
			{ "object_id,frame,x,y,label|1,0,10,10", "line 2: expected 5 values" },
		};
		for (String[] c : cases) {
			err.getBuffer().setLength(0);
			Path csv = write("case.csv", c[0].split("\\|"));
			assertEquals(1, run("track", "--model", dir.toString(), "--input", input.toString(), "--points", csv.toString(), "--output", dir.resolve("o.tif").toString()));
			assertTrue(err.toString().contains(c[1]), err.toString());
		}
	}

	@Test
	void aBatchGoesOnAfterABadStackAndFailsAtTheEnd() throws Exception {
		stack("a.tif", 3);
		stack("b.tif", 3);
		stack("c.tif", 2);
		Path csvs = Files.createDirectories(dir.resolve("csv"));
		Files.write(csvs.resolve("a.csv"), List.of("object_id,frame,x,y,label", "1,0,10,10,1"));
		Files.write(csvs.resolve("b.csv"), List.of("object_id,frame,x,y,label", "1,0,10,10,1", "1,9,10,10,1"));
		Files.write(csvs.resolve("c.csv"), List.of("object_id,frame,x,y,label", "3,1,20,20,1"));
		int code = run("track", "--model", dir.toString(), "--input", dir.resolve("in").toString(), "--points", csvs.toString(), "--output", dir.resolve("out").toString());
		assertEquals(1, code);
		assertTrue(err.toString().contains("sam2-fiji track: b.tif: b.csv line 3: frame 9 is outside"), err.toString());
		assertTrue(err.toString().contains("1 of 3 stacks failed"), err.toString());
		assertTrue(Files.isRegularFile(dir.resolve("out/a-labels.tif")));
		assertFalse(Files.exists(dir.resolve("out/b-labels.tif")));
		assertEquals(3, (int) IJ.openImage(dir.resolve("out/c-labels.tif").toString()).getStack().getProcessor(1).getf(20, 20));
		assertEquals(1, cli.opened, "the model is loaded once for the batch");
	}

	@Test
	void missingInputAndPromptsAreNamed() throws Exception {
		assertEquals(1, run("track", "--model", dir.toString(), "--input", dir.resolve("none.tif").toString(), "--points", "p.csv", "--output", "o.tif"));
		assertTrue(err.toString().contains("none.tif: no such file or folder"), err.toString());
		err.getBuffer().setLength(0);
		assertEquals(1, run("track", "--model", dir.toString(), "--input", "x.tif", "--output", "o.tif"));
		assertTrue(err.toString().contains("No prompts: give --points, --boxes, --labels (any together), --script, or --auto to find the objects"), err.toString());

		// --auto settings out of range, and --auto with a script: one line each, before any model is loaded
		Path input = stack("auto.tif", 2);
		String[][] cases = { { "--auto-grid", "0", "points per side must be 1 to 256, got 0" }, { "--auto-every", "0", "search every must be at least 1 frame, got 0" },
			{ "--auto-min-stability", "1.5", "the stability bar must be in [0, 1], got 1.5" }, { "--auto-min-iou", "-0.1", "the predicted IoU bar must be in [0, 1], got -0.1" },
			{ "--auto-tiles", "9", "tiles per side must be 1 (none) to 8, got 9" } };
		for (String[] c : cases) {
			err.getBuffer().setLength(0);
			assertEquals(1, run("track", "--model", dir.toString(), "--input", input.toString(), "--auto", c[0], c[1], "--output", dir.resolve("a.tif").toString()));
			assertEquals("sam2-fiji track: " + c[2], err.toString().strip());
		}
		err.getBuffer().setLength(0);
		Path script = write("s.json", "{}");
		assertEquals(1, run("track", "--model", dir.toString(), "--input", input.toString(), "--auto", "--script", script.toString(), "--output", dir.resolve("a.tif").toString()));
		assertEquals("sam2-fiji track: --script replays a recorded session; --auto finds objects: give one of them", err.toString().strip());
		// an automatic-mode option without --auto: said, not ignored
		Path points = write("p.csv", "object_id,frame,x,y,label", "1,0,10,10,1");
		for (String[] option : new String[][] { { "--auto-grid", "8" }, { "--auto-foreground" }, { "--auto-skip-found" }, { "--no-auto-divisions" }, { "--auto-tiles", "2" },
			{ "--auto-min-stability", "0.8" }, { "--auto-check-back" }, { "--auto-hide-held-ends" } }) {
			err.getBuffer().setLength(0);
			List<String> args = new java.util.ArrayList<>(List.of("track", "--model", dir.toString(), "--input", input.toString(), "--points", points.toString(), "--output",
				dir.resolve("a.tif").toString()));
			args.addAll(List.of(option));
			assertEquals(1, run(args.toArray(String[]::new)));
			String name = option[0].equals("--no-auto-divisions") ? "--auto-divisions" : option[0];
			assertEquals("sam2-fiji track: " + name + " is an option of automatic mode: add --auto, or leave it out", err.toString().strip());
		}
		assertEquals(0, cli.opened);
		assertFalse(Files.exists(dir.resolve("a.tif")));
	}

	@Test
	void pointsBoxesAndLabelsTogether() throws Exception {
		Path input = stack("e.tif", 3);
		Path points = write("p.csv", "object_id,frame,x,y,label", "1,0,10,10,1", "1,0,14,10,0", "2,1,30,20,1");
		Path boxes = write("b.csv", "object_id,frame,x0,y0,x1,y1", "1,0,5,5,15,12", "3,2,20,2,28,8");
		ShortProcessor plane = new ShortProcessor(40, 30);
		plane.setValue(9);
		plane.fill(new OvalRoi(30, 20, 8, 8));
		Path labelFile = dir.resolve("labels.tif");
		new FileSaver(new ImagePlus("l", plane)).saveAsTiff(labelFile.toString());
		assertEquals(0, run("track", "--model", dir.toString(), "--input", input.toString(), "--points", points.toString(), "--boxes", boxes.toString(),
			"--labels", labelFile.toString(), "--output", dir.resolve("e-labels.tif").toString()), err.toString());
		// object 1 on frame 0: the clicks and the box made one prompt
		var object1 = tracker.prompts.stream().filter(p -> p.objectId() == 1).toList();
		assertEquals(1, object1.size(), tracker.prompts.toString());
		assertEquals(2, object1.get(0).points().size());
		assertEquals(10, object1.get(0).box().x1() - object1.get(0).box().x0(), 1e-9);
		assertEquals(java.util.Set.of(1, 2, 3, 9), tracker.prompts.stream().map(p -> p.objectId()).collect(java.util.stream.Collectors.toSet()));
		ImagePlus labels = IJ.openImage(dir.resolve("e-labels.tif").toString());
		assertEquals(9, (int) labels.getStack().getProcessor(1).getf(34, 24));
		assertEquals(3, (int) labels.getStack().getProcessor(3).getf(24, 5));
	}

	@Test
	void aMaskAndClicksForOneObjectAndFrameAreRefusedNamingBothFiles() throws Exception {
		Path input = stack("f.tif", 3);
		ShortProcessor plane = new ShortProcessor(40, 30);
		plane.setValue(1);
		plane.fill(new OvalRoi(5, 5, 8, 8));
		Path labelFile = dir.resolve("l1.tif");
		new FileSaver(new ImagePlus("l", plane)).saveAsTiff(labelFile.toString());
		Path points = write("p1.csv", "object_id,frame,x,y,label", "1,0,9,9,1");
		assertEquals(1, run("track", "--model", dir.toString(), "--input", input.toString(), "--points", points.toString(), "--labels", labelFile.toString(),
			"--output", dir.resolve("f-labels.tif").toString()));
		assertTrue(err.toString().contains("Object 1 on frame 0 has a mask prompt (from " + labelFile + ") and clicks or a box (from " + points + ")"), err.toString());
		assertEquals(0, cli.opened, "found before the model is loaded");
		assertFalse(Files.exists(dir.resolve("f-labels.tif")));
		err.getBuffer().setLength(0);
		Path script = write("s.json", "{\"steps\": []}");
		assertEquals(1, run("track", "--model", dir.toString(), "--input", input.toString(), "--points", points.toString(), "--script", script.toString(),
			"--output", dir.resolve("f-labels.tif").toString()));
		assertTrue(err.toString().contains("--script replays a whole session: give it alone"), err.toString());
	}

	@Test
	void aPromptScriptIsReplayedCallByCall() throws Exception {
		Path input = stack("g.tif", 5);
		Path script = write("g.json", "{\"sam2fiji_prompt_script\": 1, \"steps\": [",
			"{\"op\": \"add\", \"object\": 1, \"frame\": 0, \"points\": [[10, 10, 1]]},",
			"{\"op\": \"add\", \"object\": 2, \"frame\": 4, \"box\": [20, 15, 30, 25]},",
			"{\"op\": \"propagate\", \"direction\": \"forward\", \"start\": 1, \"frames\": 2},",
			"{\"op\": \"add\", \"object\": 1, \"frame\": 2, \"points\": [[30, 5, 1]], \"mode\": \"replace\"},",
			"{\"op\": \"remove\", \"object\": 2}",
			"]}");
		assertEquals(0, run("track", "--model", dir.toString(), "--input", input.toString(), "--script", script.toString(), "--output", dir.resolve("g-labels.tif").toString()),
			err.toString());
		ImagePlus labels = IJ.openImage(dir.resolve("g-labels.tif").toString());
		// frame 0: shown by the first add; frames 1-3 by the propagation from 1 over 2 frames; frame 2 last by
		// the replacing click (object 1 moved to (30, 5)); frame 4 by the box; then the removal takes object 2
		// off every frame it was shown on, as the user saw it go
		assertEquals(1, (int) labels.getStack().getProcessor(1).getf(10, 10));
		assertEquals(1, (int) labels.getStack().getProcessor(2).getf(10, 10));
		assertEquals(1, (int) labels.getStack().getProcessor(3).getf(30, 5));
		assertEquals(0, (int) labels.getStack().getProcessor(3).getf(10, 10));
		assertEquals(1, (int) labels.getStack().getProcessor(4).getf(10, 10));
		for (int t = 1; t <= 5; t++)
			for (int i = 0; i < 40 * 30; i++) assertTrue(labels.getStack().getProcessor(t).getf(i) != 2, "object 2 removed, frame " + t);
		assertEquals(0, (int) labels.getStack().getProcessor(5).getf(10, 10), "object 1 had no output on frame 4 when it was shown");
	}

	@Test
	void aBadPromptScriptIsNamedBeforeTheModelLoads() throws Exception {
		Path input = stack("h.tif", 3);
		String[][] cases = {
			{ "{\"steps\": [{\"op\": \"jump\"}]}", "step 1: unknown op 'jump' (add, clear, remove, reset, propagate)" },
			{ "{\"steps\": [{\"op\": \"add\", \"object\": 1, \"frame\": 0, \"points\": [[1, 1, 2]]}]}", "step 1: point label 2: use 1 (positive) or 0 (negative)" },
			{ "{\"steps\": [{\"op\": \"propagate\"}]}", "prompt script step 1: nothing to propagate: no object has a prompt" },
			{ "{\"steps\": [{\"op\": \"add\", \"object\": 1, \"frame\": 5, \"points\": [[1, 1, 1]]}]}", "prompt script step 1: Object 1: prompt on frame 5, but the sequence has frames 0 to 2" },
			{ "{\"steps\": [{\"op\": \"clear\", \"object\": 3, \"frame\": 0}]}", "prompt script step 1: there is no object 3 to clear prompts of" },
			{ "[1, 2]", "not a prompt script (a JSON object with \"steps\")" },
		};
		for (String[] c : cases) {
			err.getBuffer().setLength(0);
			Path script = write("bad.json", c[0]);
			assertEquals(1, run("track", "--model", dir.toString(), "--input", input.toString(), "--script", script.toString(), "--output", dir.resolve("o.tif").toString()));
			assertTrue(err.toString().contains(c[1]), c[0] + " -> " + err);
		}
		assertEquals(0, cli.opened);
		ImagePlus hyper = TestImages.hyperstack("hy.tif", 40, 30, 1, 2, 3);
		Path hy = dir.resolve("hy.tif");
		new FileSaver(hyper).saveAsTiffStack(hy.toString());
		err.getBuffer().setLength(0);
		Path ok = write("ok.json", "{\"steps\": [{\"op\": \"add\", \"object\": 1, \"frame\": 0, \"points\": [[1, 1, 1]]}]}");
		assertEquals(1, run("track", "--model", dir.toString(), "--input", hy.toString(), "--script", ok.toString(), "--output", dir.resolve("o.tif").toString()));
		assertTrue(err.toString().contains("a prompt script describes one sequence"), err.toString());
	}
}
