package io.github.sam2fiji.eval;

/**
 * One line of a Cell Tracking Challenge track file ({@code man_track.txt}, {@code res_track.txt}):
 * the track's label, its first and last frame (0-based, inclusive) and its parent's label (0: none).
 */
public record TrackRecord(int label, int begin, int end, int parent) {

	public TrackRecord {
		if (label <= 0) throw new IllegalArgumentException("Track label must be positive, got " + label);
		if (begin < 0 || end < begin)
			throw new IllegalArgumentException("Track " + label + " has frames " + begin + ".." + end + ": need 0 <= begin <= end");
		if (parent < 0) throw new IllegalArgumentException("Track " + label + " has negative parent " + parent);
	}
}
