package io.github.sam2fiji.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What TrackMate 7's reader (fiji.plugin.trackmate.io.TmXmlReader, read at 7.14.0) needs of a file
 * to open it without error, checked on a written file; TrackMate itself is not available here
 * (docs/trackmate.md lists the rules and where in the reader each comes from). {@link #problems}
 * returns one line per broken rule.
 */
public final class TrackMateXmlRules {

	private static final Set<String> DIMENSIONS = Set.of("NONE", "QUALITY", "COST", "INTENSITY", "INTENSITY_SQUARED", "POSITION", "VELOCITY", "LENGTH", "AREA",
		"TIME", "ANGLE", "RATE", "ANGLE_RATE", "STRING");
	private static final List<String> SPOT_NEEDS = List.of("POSITION_X", "POSITION_Y", "POSITION_Z", "POSITION_T", "FRAME", "RADIUS", "VISIBILITY", "QUALITY");

	/** A spot as TrackMate reads it. */
	public record Spot(int id, int frame, Map<String, Double> features, double[] roi) {}

	/** What was read: spots by ID, and per track its edges as [source, target] spot IDs. */
	public record Read(Map<Integer, Spot> spots, Map<Integer, List<int[]>> tracks, Set<Integer> filtered, Element imageData, List<String> problems) {}

	private TrackMateXmlRules() {}

	public static Read read(Path file) throws Exception {
		DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
		Document doc = f.newDocumentBuilder().parse(file.toFile());
		List<String> problems = new ArrayList<>();
		Element root = doc.getDocumentElement();
		if (!root.getTagName().equals("TrackMate")) problems.add("root is " + root.getTagName());
		if (!root.hasAttribute("version")) problems.add("TrackMate without version");
		Element model = child(root, "Model");
		if (model == null) throw new IOException("no Model: TrackMate cannot open the file");
		for (String a : List.of("spatialunits", "timeunits")) if (!model.hasAttribute(a)) problems.add("Model without " + a);

		Set<String> spotFeatures = new HashSet<>();
		Element declarations = child(model, "FeatureDeclarations");
		if (declarations == null) problems.add("no FeatureDeclarations");
		else for (String group : List.of("SpotFeatures", "EdgeFeatures", "TrackFeatures")) {
			Element g = child(declarations, group);
			if (g == null) {
				problems.add("no " + group);
				continue;
			}
			for (Element feature : children(g, "Feature")) {
				for (String a : List.of("feature", "name", "shortname", "dimension", "isint"))
					if (!feature.hasAttribute(a)) problems.add(group + " feature without " + a);
				if (!DIMENSIONS.contains(feature.getAttribute("dimension"))) problems.add("dimension " + feature.getAttribute("dimension") + " unknown to TrackMate");
				if (group.equals("SpotFeatures")) spotFeatures.add(feature.getAttribute("feature"));
			}
		}

		Map<Integer, Spot> spots = new HashMap<>();
		Element allSpots = child(model, "AllSpots");
		if (allSpots == null) throw new IOException("no AllSpots: TrackMate cannot open the file");
		for (Element inFrame : children(allSpots, "SpotsInFrame")) {
			int frame = Integer.parseInt(inFrame.getAttribute("frame"));
			for (Element spot : children(inFrame, "Spot")) {
				int id = Integer.parseInt(spot.getAttribute("ID"));
				Map<String, Double> features = new HashMap<>();
				NamedNodeMap attributes = spot.getAttributes();
				for (int i = 0; i < attributes.getLength(); i++) {
					String name = attributes.item(i).getNodeName();
					if (name.equals("name") || name.equals("ID")) continue;
					try {
						features.put(name, Double.valueOf(attributes.item(i).getNodeValue()));
					}
					catch (NumberFormatException e) {
						problems.add("spot " + id + ": " + name + "=" + attributes.item(i).getNodeValue() + " is not a number (TrackMate fails)");
					}
					if (!name.equals("ROI_N_POINTS") && !spotFeatures.contains(name)) problems.add("spot feature " + name + " not declared");
				}
				for (String needed : SPOT_NEEDS) if (!features.containsKey(needed)) problems.add("spot " + id + " without " + needed);
				if (features.getOrDefault("VISIBILITY", 0.0) != 1) problems.add("spot " + id + " not visible");
				if (features.containsKey("FRAME") && features.get("FRAME") != frame) problems.add("spot " + id + " FRAME differs from its SpotsInFrame");
				double[] roi = null;
				if (features.containsKey("ROI_N_POINTS")) {
					int n = features.get("ROI_N_POINTS").intValue();
					String text = spot.getTextContent();
					if (n <= 2) problems.add("spot " + id + ": ROI of " + n + " points");
					if (!text.isEmpty() && Character.isWhitespace(text.charAt(0))) problems.add("spot " + id + ": ROI text starts with a blank (TrackMate fails)");
					String[] values = text.split("\\s+");
					if (values.length != 2 * n) problems.add("spot " + id + ": ROI of " + n + " points has " + values.length + " numbers");
					roi = new double[values.length];
					for (int i = 0; i < values.length; i++) roi[i] = Double.parseDouble(values[i]);
				}
				if (spots.put(id, new Spot(id, frame, features, roi)) != null) problems.add("spot ID " + id + " used twice");
			}
		}
		if (allSpots.hasAttribute("nspots") && Integer.parseInt(allSpots.getAttribute("nspots")) != spots.size()) problems.add("nspots differs from the spots");

		Map<Integer, List<int[]>> tracks = new HashMap<>();
		Element allTracks = child(model, "AllTracks");
		if (allTracks == null) throw new IOException("no AllTracks: TrackMate cannot open the file");
		Map<Integer, Integer> trackOfSpot = new HashMap<>();
		for (Element track : children(allTracks, "Track")) {
			if (!track.hasAttribute("TRACK_ID")) throw new IOException("Track without TRACK_ID: TrackMate fails");
			int trackId = Integer.parseInt(track.getAttribute("TRACK_ID"));
			List<int[]> edges = new ArrayList<>();
			for (Element edge : children(track, "Edge")) {
				int source = Integer.parseInt(edge.getAttribute("SPOT_SOURCE_ID")), target = Integer.parseInt(edge.getAttribute("SPOT_TARGET_ID"));
				if (!spots.containsKey(source) || !spots.containsKey(target)) problems.add("edge " + source + "-" + target + " names a spot that does not exist");
				else if (spots.get(source).frame() >= spots.get(target).frame()) problems.add("edge " + source + "-" + target + " does not go forward in time");
				for (int s : new int[] { source, target }) {
					Integer other = trackOfSpot.put(s, trackId);
					if (other != null && other != trackId) problems.add("spot " + s + " in tracks " + other + " and " + trackId + " (TrackMate needs a connected track whole)");
				}
				edges.add(new int[] { source, target });
			}
			if (edges.isEmpty()) problems.add("track " + trackId + " without edges");
			tracks.put(trackId, edges);
		}
		for (Map.Entry<Integer, List<int[]>> t : tracks.entrySet())
			if (components(t.getValue()) != 1) problems.add("track " + t.getKey() + " is not one connected component");
		Element filtered = child(model, "FilteredTracks");
		if (filtered == null) throw new IOException("no FilteredTracks: TrackMate fails");
		Set<Integer> filteredIds = new HashSet<>();
		for (Element id : children(filtered, "TrackID")) filteredIds.add(Integer.parseInt(id.getAttribute("TRACK_ID")));

		Element settings = child(root, "Settings");
		Element imageData = null;
		if (settings != null) {
			imageData = child(settings, "ImageData");
			if (imageData == null) throw new IOException("Settings without ImageData: TrackMate fails");
			for (String a : List.of("filename", "folder", "width", "height", "nslices", "nframes", "pixelwidth", "pixelheight", "voxeldepth", "timeinterval"))
				if (!imageData.hasAttribute(a)) problems.add("ImageData without " + a);
			for (String needed : List.of("InitialSpotFilter", "SpotFilterCollection", "TrackFilterCollection"))
				if (child(settings, needed) == null) problems.add("Settings without " + needed + " (TrackMate fails)");
			Element detector = child(settings, "DetectorSettings");
			if (detector != null && detector.getAttribute("DETECTOR_NAME").equals("MANUAL_DETECTOR") && !detector.hasAttribute("RADIUS"))
				problems.add("the manual detector needs RADIUS");
		}
		return new Read(spots, tracks, filteredIds, imageData, problems);
	}

	private static int components(List<int[]> edges) {
		Map<Integer, Integer> parent = new HashMap<>();
		for (int[] e : edges) union(parent, e[0], e[1]);
		Set<Integer> roots = new HashSet<>();
		for (int s : parent.keySet()) roots.add(find(parent, s));
		return roots.size();
	}

	private static int find(Map<Integer, Integer> parent, int x) {
		parent.putIfAbsent(x, x);
		while (parent.get(x) != x) x = parent.get(x);
		return x;
	}

	private static void union(Map<Integer, Integer> parent, int a, int b) {
		parent.put(find(parent, a), find(parent, b));
	}

	static Element child(Element parent, String tag) {
		List<Element> c = children(parent, tag);
		return c.isEmpty() ? null : c.get(0);
	}

	static List<Element> children(Element parent, String tag) {
		List<Element> found = new ArrayList<>();
		NodeList nodes = parent.getChildNodes();
		for (int i = 0; i < nodes.getLength(); i++) {
			Node n = nodes.item(i);
			if (n instanceof Element e && e.getTagName().equals(tag)) found.add(e);
		}
		return found;
	}
}
