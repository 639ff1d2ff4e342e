package io.github.sam2fiji.core.annotate;

import java.util.SortedSet;

/**
 * One object of an annotation as its panel lists it.
 *
 * @param id the object's ID (its label in the output)
 * @param promptedFrames frames the object has prompts on (0-based)
 * @param presentFrames frames it is shown present on with a non-empty mask
 * @param shownFrames frames any result is shown on (the object's presence is out of these)
 */
public record AnnotatedObject(int id, SortedSet<Integer> promptedFrames, SortedSet<Integer> presentFrames, int shownFrames) {

	public AnnotatedObject {
		promptedFrames = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(promptedFrames));
		presentFrames = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(presentFrames));
	}
}
