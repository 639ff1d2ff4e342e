package io.github.sam2fiji.core.predictor.sam2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * {@link MemorySelection} against the official _prepare_memory_conditioned_features run on 300
 * random scenarios (test-data/memory-selection/make_expected.py records what the official method
 * selected). Order within the selection does not change attention, so selections are compared sorted.
 */
class MemorySelectionTest {

	@Test
	void selectsWhatTheOfficialPredictorSelects() throws IOException {
		JsonObject expected = JsonParser.parseString(Files.readString(Path.of("test-data/memory-selection/expected.json"))).getAsJsonObject();
		int checked = 0, withStride = 0, withCondLimit = 0, reversed = 0;
		for (JsonElement e : expected.getAsJsonArray("scenarios")) {
			JsonObject sc = e.getAsJsonObject();
			MemorySelection selection = new MemorySelection(7, sc.get("stride").getAsInt(), sc.get("max_cond").getAsInt(), 16,
				sc.get("only_past").getAsBoolean(), sc.get("signed").getAsBoolean());
			TreeSet<Integer> cond = ints(sc.getAsJsonArray("conditioning"));
			Set<Integer> nonCond = new HashSet<>(ints(sc.getAsJsonArray("non_conditioning")));
			boolean reverse = sc.get("reverse").getAsBoolean();
			MemorySelection.Selection s = selection.select(sc.get("frame").getAsInt(), cond, nonCond, sc.get("frame_count").getAsInt(), reverse);
			List<String> memories = new ArrayList<>(), pointers = new ArrayList<>();
			for (var m : s.memories()) memories.add(m.frame() + "@" + m.temporalPosition());
			for (var p : s.pointers()) pointers.add(p.frame() + "@" + p.distance());
			assertEquals(pairs(sc.getAsJsonArray("memories")), sorted(memories), "memories of " + sc);
			assertEquals(pairs(sc.getAsJsonArray("pointers")), sorted(pointers), "pointers of " + sc);
			checked++;
			if (sc.get("stride").getAsInt() > 1) withStride++;
			if (sc.get("max_cond").getAsInt() > 0 && cond.size() > sc.get("max_cond").getAsInt()) withCondLimit++;
			if (reverse) reversed++;
		}
		assertTrue(checked >= 300 && withStride > 20 && withCondLimit > 5 && reversed > 50,
			"scenarios cover strides, conditioning limits and reverse runs: " + withStride + ", " + withCondLimit + ", " + reversed);
	}

	private static TreeSet<Integer> ints(JsonArray a) {
		TreeSet<Integer> s = new TreeSet<>();
		for (JsonElement e : a) s.add(e.getAsInt());
		return s;
	}

	private static List<String> pairs(JsonArray a) {
		List<String> out = new ArrayList<>();
		for (JsonElement e : a) out.add(e.getAsJsonArray().get(0).getAsInt() + "@" + e.getAsJsonArray().get(1).getAsInt());
		return sorted(out);
	}

	private static List<String> sorted(List<String> l) {
		List<String> c = new ArrayList<>(l);
		c.sort(null);
		return c;
	}
}
