package io.github.sam2fiji.ij;

import io.github.sam2fiji.core.prompt.ObjectPrompt;

/**
 * A prompt placed in a hyperstack: the sequence it belongs to (a position on the axis that is not
 * propagated) and the prompt on a frame of that sequence.
 *
 * @param sequence 0-based sequence, or {@link #ALL_SEQUENCES} for a prompt without a position on
 *          the other axis (it prompts every sequence)
 * @param prompt the prompt; its frame is the 0-based position along the propagation axis
 */
public record PlacedPrompt(int sequence, ObjectPrompt prompt) {

	public static final int ALL_SEQUENCES = -1;

	public boolean appliesTo(int s) {
		return sequence == ALL_SEQUENCES || sequence == s;
	}
}
