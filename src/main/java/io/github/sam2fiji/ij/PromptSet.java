package io.github.sam2fiji.ij;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import io.github.sam2fiji.core.prompt.ObjectPrompt;

/**
 * All prompts of one run, at most one {@link ObjectPrompt} per object, frame and sequence, and a
 * display name per object ID (from its ROI group or name).
 */
public record PromptSet(List<PlacedPrompt> prompts, SortedMap<Integer, String> objectNames) {

	public PromptSet {
		prompts = List.copyOf(prompts);
		objectNames = new TreeMap<>(objectNames);
	}

	public static PromptSet of(List<PlacedPrompt> prompts) {
		SortedMap<Integer, String> names = new TreeMap<>();
		for (PlacedPrompt p : prompts) names.putIfAbsent(p.prompt().objectId(), "object " + p.prompt().objectId());
		return new PromptSet(prompts, names);
	}

	public boolean isEmpty() {
		return prompts.isEmpty();
	}

	/** The prompts of one sequence (including those placed on every sequence). */
	public List<ObjectPrompt> forSequence(int sequence) {
		return prompts.stream().filter(p -> p.appliesTo(sequence)).map(PlacedPrompt::prompt).toList();
	}

	/** One line for logs, e.g. "2 objects; prompts on 3 frames: 2 positive clicks, 1 negative click, 1 box, 0 masks". */
	public String summary() {
		long positive = 0, negative = 0, boxes = 0, masks = 0;
		for (PlacedPrompt p : prompts) {
			for (var point : p.prompt().points()) if (point.positive()) positive++; else negative++;
			if (p.prompt().box() != null) boxes++;
			if (p.prompt().mask() != null) masks++;
		}
		long frames = prompts.stream().map(p -> p.sequence() + ":" + p.prompt().frame()).distinct().count();
		return objectNames.size() + " object" + (objectNames.size() == 1 ? "" : "s") + "; prompts on " + frames + " frame" + (frames == 1 ? "" : "s") + ": "
			+ positive + " positive click" + (positive == 1 ? "" : "s") + ", " + negative + " negative click" + (negative == 1 ? "" : "s") + ", "
			+ boxes + " box" + (boxes == 1 ? "" : "es") + ", " + masks + " mask" + (masks == 1 ? "" : "s");
	}

	/** The object names as an unmodifiable map, ascending ID. */
	public Map<Integer, String> names() {
		return java.util.Collections.unmodifiableSortedMap(objectNames);
	}
}
