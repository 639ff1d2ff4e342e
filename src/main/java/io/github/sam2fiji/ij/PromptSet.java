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

	/** The object names as an unmodifiable map, ascending ID. */
	public Map<Integer, String> names() {
		return java.util.Collections.unmodifiableSortedMap(objectNames);
	}
}
