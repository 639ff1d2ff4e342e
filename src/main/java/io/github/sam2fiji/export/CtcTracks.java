package io.github.sam2fiji.export;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import ij.ImagePlus;

/**
 * The tracks of a label image (one channel; z slices, t time points) in the Cell Tracking
 * Challenge's sense: each object's runs of consecutive time points. The first run keeps the
 * object's ID as its label; each later run (the object came back after a gap) gets a new label above
 * every ID of the image, with the previous run as its parent; a daughter of a division descends from
 * its mother's last track. Shared by the CTC and TrackMate
 * exports, so both say the same lineage.
 */
public final class CtcTracks {

	private static final int MAX_LABEL = 0xffff;

	/**
	 * One track: label L on time points B..E (0-based, present on each), parent label P (0: none), and
	 * the label image's object ID it belongs to.
	 */
	public record Track(int label, int objectId, int begin, int end, int parent) {
		/** The res_track.txt line "L B E P". */
		public String line() {
			return label + " " + begin + " " + end + " " + parent;
		}
	}

	/** Per object ID, its track label at each time point (0 where absent). */
	private final Map<Integer, int[]> labelAt = new TreeMap<>();
	private final Map<Integer, Track> tracks = new TreeMap<>();

	private CtcTracks() {}

	public static CtcTracks of(ImagePlus labels) throws IOException {
		return of(labels, Map.of());
	}

	/**
	 * The tracks with divisions: {@code parents} maps a daughter's object ID to its mother's; the
	 * daughter's first track gets as parent the mother's track that ended last before it began.
	 */
	public static CtcTracks of(ImagePlus labels, Map<Integer, Integer> parents) throws IOException {
		int nz = labels.getNSlices(), nt = labels.getNFrames();
		Map<Integer, boolean[]> present = new TreeMap<>();
		int maxId = 0;
		for (int t = 1; t <= nt; t++)
			for (int z = 1; z <= nz; z++)
				for (short p : (short[]) labels.getStack().getProcessor(labels.getStackIndex(1, z, t)).getPixels()) {
					int id = p & 0xffff;
					if (id == 0) continue;
					present.computeIfAbsent(id, k -> new boolean[nt])[t - 1] = true;
					maxId = Math.max(maxId, id);
				}
		CtcTracks result = new CtcTracks();
		int next = maxId + 1;
		for (Map.Entry<Integer, boolean[]> e : present.entrySet()) {
			boolean[] at = e.getValue();
			int[] label = new int[nt];
			int parent = 0;
			boolean first = true;
			for (int t = 0; t < nt; t++) {
				if (!at[t] || (t > 0 && at[t - 1])) continue;
				int end = t;
				while (end + 1 < nt && at[end + 1]) end++;
				int track = first ? e.getKey() : next++;
				first = false;
				if (track > MAX_LABEL)
					throw new IOException("The CTC result needs more than " + MAX_LABEL + " labels (objects that leave and return start new tracks); "
						+ "16-bit masks cannot hold them");
				for (int u = t; u <= end; u++) label[u] = track;
				result.tracks.put(track, new Track(track, e.getKey(), t, end, parent));
				parent = track;
			}
			result.labelAt.put(e.getKey(), label);
		}
		// divisions: a daughter's first track descends from the mother's track that ended last before it
		for (Map.Entry<Integer, Integer> d : parents.entrySet()) {
			Track daughter = result.tracks.get(d.getKey());
			if (daughter == null || daughter.parent() != 0) continue;
			result.tracks.values().stream().filter(m -> m.objectId() == d.getValue() && m.end() < daughter.begin()).mapToInt(Track::label)
				.reduce((a, b) -> result.tracks.get(b).end() > result.tracks.get(a).end() ? b : a)
				.ifPresent(mother -> result.tracks.put(daughter.label(), new Track(daughter.label(), daughter.objectId(), daughter.begin(), daughter.end(), mother)));
		}
		return result;
	}

	/** The track label of object {@code id} at 0-based time point {@code t} (0 where absent). */
	public int label(int id, int t) {
		return labelAt.get(id)[t];
	}

	/** The tracks by label. */
	public List<Track> tracks() {
		return new ArrayList<>(tracks.values());
	}

	/** The res_track.txt lines by label: "L B E P". */
	public List<String> lines() {
		return tracks.values().stream().map(Track::line).toList();
	}
}
