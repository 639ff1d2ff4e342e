package io.github.sam2fiji.ij;

import java.util.Locale;

/** The axis of a hyperstack along which objects are propagated. */
public enum TrackAxis {
	/** Time when the image has more than one time point, else z. */
	AUTO,
	/** Through the z slices (a 3-D stack). */
	Z,
	/** Through the time points (a time-lapse). */
	T;

	/** Parses "auto", "z" or "t" (any case), with a message listing the choices. */
	public static TrackAxis parse(String text) {
		String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
		switch (t) {
			case "auto": return AUTO;
			case "z": return Z;
			case "t": return T;
			default: throw new IllegalArgumentException("Unknown axis '" + text + "': use auto, z or t");
		}
	}

	public String label() {
		return name().toLowerCase(Locale.ROOT);
	}
}
