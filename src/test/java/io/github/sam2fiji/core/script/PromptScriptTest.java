package io.github.sam2fiji.core.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonParser;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.PromptMode;
import io.github.sam2fiji.core.predictor.Propagation;
import io.github.sam2fiji.core.prompt.BoxPrompt;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;

/** The prompt script format: written and read back unchanged, COCO run-length masks, one-line errors. */
class PromptScriptTest {

	@TempDir
	Path dir;

	private static final BinaryMask MASK = BinaryMask.of(4, 3, new byte[] {
		0, 1, 1, 0,
		0, 1, 0, 0,
		1, 1, 0, 0 });

	private static PromptScript everyKindOfCall() {
		return new PromptScript(List.of(
			new PromptScript.Add(ObjectPrompt.points(1, 0, List.of(new PointPrompt(1.25, 2, true), new PointPrompt(3, 0.5, false))), PromptMode.APPEND),
			new PromptScript.Add(new ObjectPrompt(1, 0, List.of(new PointPrompt(2, 2, true)), new BoxPrompt(0.5, 0, 3.5, 2.75), null), PromptMode.REPLACE),
			new PromptScript.Add(ObjectPrompt.mask(2, 1, MASK), PromptMode.REPLACE),
			new PromptScript.Propagate(Propagation.forward().from(1).limit(5), null),
			new PromptScript.Propagate(Propagation.inReverse(), null),
			new PromptScript.Clear(1, 0),
			new PromptScript.Remove(2),
			new PromptScript.Propagate(null, Direction.BOTH),
			new PromptScript.Reset()));
	}

	@Test
	void writtenAndReadBackUnchanged() throws Exception {
		PromptScript script = everyKindOfCall();
		Path file = dir.resolve("s.json");
		Files.writeString(file, script.toJson());
		assertEquals(script, PromptScript.read(file, null));
		assertEquals(PromptScript.FORMAT_VERSION, JsonParser.parseString(script.toJson()).getAsJsonObject().get("sam2fiji_prompt_script").getAsInt());
	}

	@Test
	void masksAreCocoRunLengthsInColumnMajorOrder() {
		// column by column, top to bottom: 0 0 1 | 1 1 1 | 1 0 0 | 0 0 0 -> runs 2 (background), 5, 5
		var rle = Rle.encode(MASK);
		assertEquals("[3,4]", rle.get("size").toString(), "[height, width]");
		assertEquals("[2,5,5]", rle.get("counts").toString());
		assertEquals(MASK, Rle.decode(rle));
		var bad = Rle.encode(MASK);
		bad.getAsJsonArray("counts").set(2, new com.google.gson.JsonPrimitive(6));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Rle.decode(bad)).getMessage().contains("more than 3 x 4 pixels"));
	}

	@Test
	void defaultsAndMasksFromFiles() throws Exception {
		Path file = dir.resolve("d.json");
		Files.writeString(file, "{\"steps\": [{\"op\": \"add\", \"object\": 3, \"frame\": 2, \"points\": [[5, 6, 1]]},"
			+ "{\"op\": \"add\", \"object\": 4, \"frame\": 2, \"mask_file\": \"m.tif\", \"label\": 7}, {\"op\": \"propagate\"}]}");
		List<Object[]> asked = new ArrayList<>();
		PromptScript s = PromptScript.read(file, (path, label) -> {
			asked.add(new Object[] { path, label });
			return MASK;
		});
		assertEquals(PromptMode.APPEND, ((PromptScript.Add) s.steps().get(0)).mode(), "clicks append by default");
		assertEquals(PromptMode.REPLACE, ((PromptScript.Add) s.steps().get(1)).mode(), "a mask replaces");
		assertEquals(dir.toAbsolutePath().resolve("m.tif"), asked.get(0)[0], "mask files are relative to the script");
		assertEquals(7, asked.get(0)[1]);
		assertEquals(new PromptScript.Propagate(Propagation.forward(), null), s.steps().get(2));
	}

	@Test
	void badScriptsAreNamedInOneLine() throws Exception {
		String[][] cases = {
			{ "{\"steps\": [{\"op\": \"add\", \"object\": 1, \"frame\": 0, \"box\": [0, 0, 2, 2], \"mode\": \"append\"}]}", "step 1: a box or a mask replaces" },
			{ "{\"steps\": [{\"op\": \"add\", \"object\": 1.5, \"frame\": 0, \"points\": [[1, 1, 1]]}]}", "step 1: \"object\" must be a whole number, got 1.5" },
			{ "{\"steps\": [{\"op\": \"propagate\", \"direction\": \"both\", \"start\": 3}]}", "step 1: direction both runs from the prompted frames" },
			{ "{\"steps\": [{\"op\": \"propagate\", \"direction\": \"sideways\"}]}", "step 1: direction 'sideways'" },
			{ "{\"sam2fiji_prompt_script\": 9, \"steps\": []}", "format 9 is newer than this plugin reads" },
			{ "{\"steps\": [{\"op\": \"add\", \"object\": 1, \"frame\": 0, \"mask\": {\"size\": [2, 2], \"counts\": \"abc\"}}]}", "compressed string form is not read" },
			{ "{\"steps\": [", "not a prompt script" },
		};
		for (String[] c : cases) {
			Path file = dir.resolve("bad.json");
			Files.writeString(file, c[0]);
			String message = assertThrows(IllegalArgumentException.class, () -> PromptScript.read(file, null)).getMessage();
			assertTrue(message.startsWith(file.toString()) && message.contains(c[1]) && !message.contains("\n"), c[0] + " -> " + message);
		}
		assertTrue(assertThrows(IllegalArgumentException.class, () -> PromptScript.read(dir.resolve("none.json"), null)).getMessage().endsWith("none.json: no such prompt script file"));
		Files.write(dir.resolve("latin1.json"), new byte[] { '{', (byte) 0xe9, '}' });
		assertTrue(assertThrows(IllegalArgumentException.class, () -> PromptScript.read(dir.resolve("latin1.json"), null)).getMessage().contains("not UTF-8"));
	}

	@Test
	void checkedAgainstTheSequenceBeforeAnythingRuns() {
		PromptScript script = everyKindOfCall();
		script.check(4, 3, 6);
		assertTrue(assertThrows(IllegalArgumentException.class, () -> script.check(4, 3, 1)).getMessage().startsWith("prompt script step 3: Object 2: prompt on frame 1"));
		PromptScript removeTwice = new PromptScript(List.of(new PromptScript.Add(ObjectPrompt.points(1, 0, List.of(new PointPrompt(1, 1, true))), PromptMode.APPEND),
			new PromptScript.Remove(1), new PromptScript.Remove(1)));
		assertEquals("prompt script step 3: there is no object 1 to remove", assertThrows(IllegalArgumentException.class, () -> removeTwice.check(4, 3, 2)).getMessage());
	}
}
