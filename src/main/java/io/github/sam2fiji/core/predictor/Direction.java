package io.github.sam2fiji.core.predictor;

/** Which way propagation runs from the prompted frames along the sequence. */
public enum Direction {
	FORWARD, BACKWARD, BOTH;

	/** Parses "forward", "backward" or "both" (any case), with a message listing the choices. */
	public static Direction parse(String text) {
		for (Direction d : values())
			if (d.name().equalsIgnoreCase(text.trim())) return d;
		throw new IllegalArgumentException("Unknown direction '" + text + "': use forward, backward or both");
	}
}
