package io.github.sam2fiji.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.gui.ShapeRoi;
import ij.io.FileInfo;
import ij.measure.Calibration;
import ij.plugin.filter.ThresholdToSelection;
import ij.process.ByteProcessor;
import ij.process.FloatPolygon;
import ij.process.ImageProcessor;
import io.github.sam2fiji.core.io.AtomicOutputs;
import io.github.sam2fiji.ij.ObjectMeasurement;

/**
 * Writes a tracking result as a TrackMate file (the XML TrackMate 7 saves and opens with "Load a
 * TrackMate file"), so the tracks can be edited, filtered and analysed there: one spot per object and
 * time point (centroid, radius of the disc of equal area, area, the outline as the spot's ROI, the
 * object's ID, its CTC track label and the model's scores as spot features), edges between an
 * object's spots on consecutive time points, an edge across each gap after which an object came back
 * (in the CTC export that return is a new track whose parent is the old one: {@link CtcTracks}), one
 * TrackMate track per connected object. Settings name the input image (when it was opened from a
 * file) and the manual detector and tracker, so TrackMate opens on its views.
 * What TrackMate's reader needs was read from TrackMate 7.14's TmXmlReader (docs/trackmate.md).
 */
public final class TrackMateExporter {

	/** The TrackMate version whose format this writes. */
	static final String VERSION = "7.14.0";

	private TrackMateExporter() {}

	/** A spot as written: its ID, object, time point and measurement. */
	private record Spot(int id, int objectId, int t, ObjectMeasurement m, float[] roi) {}

	/**
	 * Writes {@code file} (atomically) for the label image {@code labels} (16-bit, one channel, one z
	 * slice, t time points) of {@code input} and its measurements.
	 *
	 * @param names object names by ID (the ROIs' names), used for spot and track names
	 */
	public static void write(ImagePlus input, ImagePlus labels, List<ObjectMeasurement> measurements, Map<Integer, String> names, Path file) throws IOException {
		write(input, labels, measurements, names, Map.of(), file);
	}

	/**
	 * As {@link #write(ImagePlus, ImagePlus, List, Map, Path)}, with divisions ({@code parents}:
	 * daughter object ID to mother object ID): a mother and her descendants are one TrackMate track
	 * that branches.
	 */
	public static void write(ImagePlus input, ImagePlus labels, List<ObjectMeasurement> measurements, Map<Integer, String> names, Map<Integer, Integer> parents,
		Path file) throws IOException {
		if (labels.getNChannels() != 1 || labels.getNSlices() != 1)
			throw new IllegalArgumentException("TrackMate export is for time-lapses tracked through t: " + labels.getTitle() + " has " + labels.getNSlices()
				+ " z slices and " + labels.getNChannels() + " channels (one of each expected)");
		CtcTracks tracks = CtcTracks.of(labels, parents);
		Calibration cal = labels.getCalibration();
		List<Spot> spots = spots(labels, measurements, cal);
		Map<Long, Spot> byObjectAndTime = new HashMap<>();
		for (Spot s : spots) byObjectAndTime.put(key(s.objectId(), s.t()), s);

		// edges per object: consecutive time points of a CTC track, and the gap from a parent track's end to its child's start
		Map<Integer, List<Spot[]>> edges = new TreeMap<>();
		for (CtcTracks.Track track : tracks.tracks()) {
			// one TrackMate track per lineage: edges grouped by the first ancestor
			int root = track.objectId();
			for (int guard = 0; parents.containsKey(root) && guard < parents.size(); guard++) root = parents.get(root);
			List<Spot[]> objectEdges = edges.computeIfAbsent(root, k -> new ArrayList<>());
			for (int t = track.begin(); t < track.end(); t++)
				link(objectEdges, byObjectAndTime.get(key(track.objectId(), t)), byObjectAndTime.get(key(track.objectId(), t + 1)));
			if (track.parent() != 0) {
				CtcTracks.Track parent = tracks.tracks().stream().filter(p -> p.label() == track.parent()).findFirst().orElseThrow();
				link(objectEdges, byObjectAndTime.get(key(parent.objectId(), parent.end())), byObjectAndTime.get(key(track.objectId(), track.begin())));
			}
		}
		edges.values().removeIf(List::isEmpty);
		Map<Integer, Integer> trackLabelOf = new HashMap<>();
		for (Spot s : spots) trackLabelOf.put(s.id(), tracks.label(s.objectId(), s.t()));

		AtomicOutputs.writeFile(file, temp -> {
			try (OutputStream out = Files.newOutputStream(temp)) {
				XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
				xml.writeStartDocument("UTF-8", "1.0");
				xml.writeCharacters("\n");
				xml.writeStartElement("TrackMate");
				xml.writeAttribute("version", VERSION);
				element(xml, 1, "Log", "Exported by SAM 2 for Fiji: one spot per object and time point, outlines as spot ROIs.");
				writeModel(xml, labels, cal, names, spots, edges, trackLabelOf);
				writeSettings(xml, input, labels, cal, spots);
				newline(xml, 1);
				xml.writeEmptyElement("GUIState");
				xml.writeAttribute("state", "ConfigureViews");
				newline(xml, 0);
				xml.writeEndElement();
				xml.writeCharacters("\n");
				xml.writeEndDocument();
				xml.close();
			}
			catch (XMLStreamException e) {
				throw new IOException("Cannot write the TrackMate file: " + e.getMessage(), e);
			}
		});
	}

	private static long key(int objectId, int t) {
		return ((long) objectId << 32) | t;
	}

	private static void link(List<Spot[]> edges, Spot from, Spot to) {
		if (from != null && to != null) edges.add(new Spot[] { from, to });
	}

	/** Spots in time order, then object order; IDs from 1. */
	private static List<Spot> spots(ImagePlus labels, List<ObjectMeasurement> measurements, Calibration cal) {
		List<ObjectMeasurement> sorted = measurements.stream().filter(m -> m.area() > 0)
			.sorted((a, b) -> a.t() != b.t() ? Integer.compare(a.t(), b.t()) : Integer.compare(a.objectId(), b.objectId())).toList();
		List<Spot> spots = new ArrayList<>();
		int id = 1;
		for (ObjectMeasurement m : sorted) {
			ImageProcessor plane = labels.getStack().getProcessor(labels.getStackIndex(1, 1, m.t()));
			spots.add(new Spot(id++, m.objectId(), m.t() - 1, m, outline(plane, m, cal)));
		}
		return spots;
	}

	/**
	 * The object's outline (its largest part) as TrackMate stores a spot ROI: x0 y0 x1 y1 ...
	 * relative to the spot's centre, in calibrated units; null when it has fewer than 3 corners.
	 */
	private static float[] outline(ImageProcessor plane, ObjectMeasurement m, Calibration cal) {
		int w = plane.getWidth(), h = plane.getHeight();
		ByteProcessor mask = new ByteProcessor(w, h);
		for (int i = 0; i < w * h; i++) if ((int) plane.getf(i) == m.objectId()) mask.set(i, 255);
		mask.setThreshold(255, 255, ImageProcessor.NO_LUT_UPDATE);
		Roi roi = new ThresholdToSelection().convert(mask);
		if (roi == null) return null;
		if (roi instanceof ShapeRoi shape) {
			Roi largest = null;
			double largestArea = -1;
			for (Roi part : shape.getRois()) {
				double area = part.getStatistics().pixelCount;
				if (area > largestArea) {
					largest = part;
					largestArea = area;
				}
			}
			roi = largest;
		}
		FloatPolygon p = roi.getFloatPolygon();
		if (p.npoints < 3) return null;
		// centroids are of pixel centres (x + 0.5); the outline runs along pixel edges
		double cx = m.centroidX() + 0.5, cy = m.centroidY() + 0.5;
		float[] xy = new float[2 * p.npoints];
		for (int i = 0; i < p.npoints; i++) {
			xy[2 * i] = (float) ((p.xpoints[i] - cx) * cal.pixelWidth);
			xy[2 * i + 1] = (float) ((p.ypoints[i] - cy) * cal.pixelHeight);
		}
		return xy;
	}

	private static void writeModel(XMLStreamWriter xml, ImagePlus labels, Calibration cal, Map<Integer, String> names, List<Spot> spots,
		Map<Integer, List<Spot[]>> edges, Map<Integer, Integer> trackLabelOf) throws XMLStreamException {
		newline(xml, 1);
		xml.writeStartElement("Model");
		xml.writeAttribute("spatialunits", cal.getUnit() == null || cal.getUnit().isBlank() ? "pixel" : cal.getUnit());
		// an uncalibrated time-lapse counts in frames (ImageJ's default unit "sec" with no interval means nothing)
		xml.writeAttribute("timeunits", cal.frameInterval > 0 ? cal.getTimeUnit() : "frame");
		newline(xml, 2);
		xml.writeStartElement("FeatureDeclarations");
		declare(xml, "SpotFeatures", new String[][] { { "QUALITY", "Quality", "Quality", "QUALITY", "false" }, { "POSITION_X", "X", "X", "POSITION", "false" },
			{ "POSITION_Y", "Y", "Y", "POSITION", "false" }, { "POSITION_Z", "Z", "Z", "POSITION", "false" }, { "POSITION_T", "T", "T", "TIME", "false" },
			{ "FRAME", "Frame", "Frame", "NONE", "true" }, { "RADIUS", "Radius", "R", "LENGTH", "false" }, { "VISIBILITY", "Visibility", "Visibility", "NONE", "true" },
			{ "AREA", "Area", "Area", "AREA", "false" }, { "SAM2_OBJECT_ID", "SAM 2 object ID", "Object", "NONE", "true" },
			{ "SAM2_CTC_LABEL", "CTC track label", "CTC label", "NONE", "true" }, { "SAM2_OBJECT_SCORE", "SAM 2 object score", "Obj. score", "QUALITY", "false" },
			{ "SAM2_PREDICTED_IOU", "SAM 2 predicted IoU", "Pred. IoU", "QUALITY", "false" } });
		declare(xml, "EdgeFeatures", new String[][] { { "SPOT_SOURCE_ID", "Source spot ID", "Source ID", "NONE", "true" },
			{ "SPOT_TARGET_ID", "Target spot ID", "Target ID", "NONE", "true" }, { "LINK_COST", "Edge cost", "Cost", "COST", "false" } });
		declare(xml, "TrackFeatures", new String[][] { { "TRACK_INDEX", "Track index", "Index", "NONE", "true" }, { "TRACK_ID", "Track ID", "ID", "NONE", "true" } });
		newline(xml, 2);
		xml.writeEndElement();

		newline(xml, 2);
		xml.writeStartElement("AllSpots");
		xml.writeAttribute("nspots", Integer.toString(spots.size()));
		Map<Integer, List<Spot>> byFrame = new TreeMap<>();
		for (Spot s : spots) byFrame.computeIfAbsent(s.t(), k -> new ArrayList<>()).add(s);
		for (Map.Entry<Integer, List<Spot>> frame : byFrame.entrySet()) {
			newline(xml, 3);
			xml.writeStartElement("SpotsInFrame");
			xml.writeAttribute("frame", Integer.toString(frame.getKey()));
			for (Spot s : frame.getValue()) {
				ObjectMeasurement m = s.m();
				double areaUnits = m.area() * cal.pixelWidth * cal.pixelHeight;
				newline(xml, 4);
				Map<String, String> a = new LinkedHashMap<>();
				a.put("ID", Integer.toString(s.id()));
				a.put("name", names.getOrDefault(s.objectId(), "object " + s.objectId()) + "-t" + (s.t() + 1));
				a.put("QUALITY", number(m.iou()));
				a.put("POSITION_X", number(cal.getX(m.centroidX() + 0.5)));
				a.put("POSITION_Y", number(cal.getY(m.centroidY() + 0.5)));
				a.put("POSITION_Z", "0.0");
				a.put("POSITION_T", number(s.t() * frameInterval(cal)));
				a.put("FRAME", Integer.toString(s.t()));
				a.put("RADIUS", number(Math.sqrt(areaUnits / Math.PI)));
				a.put("VISIBILITY", "1");
				a.put("AREA", number(areaUnits));
				a.put("SAM2_OBJECT_ID", Integer.toString(s.objectId()));
				a.put("SAM2_CTC_LABEL", Integer.toString(trackLabelOf.get(s.id())));
				a.put("SAM2_OBJECT_SCORE", number(m.objectScore()));
				a.put("SAM2_PREDICTED_IOU", number(m.iou()));
				if (s.roi() != null) a.put("ROI_N_POINTS", Integer.toString(s.roi().length / 2));
				xml.writeStartElement("Spot");
				for (Map.Entry<String, String> e : a.entrySet()) xml.writeAttribute(e.getKey(), e.getValue());
				if (s.roi() != null) {
					// TrackMate reads the text as is: no leading blank
					StringBuilder text = new StringBuilder();
					for (int i = 0; i < s.roi().length; i++) text.append(i == 0 ? "" : " ").append(Float.toString(s.roi()[i]));
					xml.writeCharacters(text.toString());
				}
				xml.writeEndElement();
			}
			newline(xml, 3);
			xml.writeEndElement();
		}
		newline(xml, 2);
		xml.writeEndElement();

		newline(xml, 2);
		xml.writeStartElement("AllTracks");
		int index = 0;
		List<Integer> trackIds = new ArrayList<>();
		for (Map.Entry<Integer, List<Spot[]>> object : edges.entrySet()) {
			int trackId = index++;
			trackIds.add(trackId);
			newline(xml, 3);
			xml.writeStartElement("Track");
			xml.writeAttribute("name", names.getOrDefault(object.getKey(), "object " + object.getKey()));
			xml.writeAttribute("TRACK_ID", Integer.toString(trackId));
			xml.writeAttribute("TRACK_INDEX", Integer.toString(trackId));
			for (Spot[] e : object.getValue()) {
				newline(xml, 4);
				xml.writeEmptyElement("Edge");
				// the earlier spot is the source, as TrackMate writes them
				xml.writeAttribute("SPOT_SOURCE_ID", Integer.toString(e[0].id()));
				xml.writeAttribute("SPOT_TARGET_ID", Integer.toString(e[1].id()));
				xml.writeAttribute("LINK_COST", "0.0");
			}
			newline(xml, 3);
			xml.writeEndElement();
		}
		newline(xml, 2);
		xml.writeEndElement();
		newline(xml, 2);
		xml.writeStartElement("FilteredTracks");
		for (int id : trackIds) {
			newline(xml, 3);
			xml.writeEmptyElement("TrackID");
			xml.writeAttribute("TRACK_ID", Integer.toString(id));
		}
		newline(xml, 2);
		xml.writeEndElement();
		newline(xml, 1);
		xml.writeEndElement();
	}

	private static void writeSettings(XMLStreamWriter xml, ImagePlus input, ImagePlus labels, Calibration cal, List<Spot> spots) throws XMLStreamException {
		FileInfo info = input == null ? null : input.getOriginalFileInfo();
		String fileName = info != null && info.fileName != null ? info.fileName : "";
		// absolute: TrackMate would read a relative folder against Fiji's working directory
		String folder = info != null && info.directory != null && !info.directory.isEmpty()
			? Path.of(info.directory).toAbsolutePath().normalize() + java.io.File.separator : "";
		int w = labels.getWidth(), h = labels.getHeight(), nt = labels.getNFrames();
		newline(xml, 1);
		xml.writeStartElement("Settings");
		newline(xml, 2);
		xml.writeEmptyElement("ImageData");
		xml.writeAttribute("filename", fileName);
		xml.writeAttribute("folder", folder);
		xml.writeAttribute("width", Integer.toString(w));
		xml.writeAttribute("height", Integer.toString(h));
		xml.writeAttribute("nslices", "1");
		xml.writeAttribute("nframes", Integer.toString(nt));
		xml.writeAttribute("pixelwidth", number(cal.pixelWidth));
		xml.writeAttribute("pixelheight", number(cal.pixelHeight));
		xml.writeAttribute("voxeldepth", number(cal.pixelDepth));
		xml.writeAttribute("timeinterval", number(frameInterval(cal)));
		newline(xml, 2);
		xml.writeEmptyElement("BasicSettings");
		for (String[] kv : new String[][] { { "xstart", "0" }, { "xend", Integer.toString(w - 1) }, { "ystart", "0" }, { "yend", Integer.toString(h - 1) },
			{ "zstart", "0" }, { "zend", "0" }, { "tstart", "0" }, { "tend", Integer.toString(nt - 1) } })
			xml.writeAttribute(kv[0], kv[1]);
		newline(xml, 2);
		xml.writeEmptyElement("DetectorSettings");
		xml.writeAttribute("DETECTOR_NAME", "MANUAL_DETECTOR");
		double meanRadius = spots.stream().mapToDouble(s -> Math.sqrt(s.m().area() * cal.pixelWidth * cal.pixelHeight / Math.PI)).average().orElse(1);
		xml.writeAttribute("RADIUS", number(meanRadius));
		newline(xml, 2);
		xml.writeEmptyElement("InitialSpotFilter");
		xml.writeAttribute("feature", "QUALITY");
		xml.writeAttribute("value", "0.0");
		xml.writeAttribute("isabove", "true");
		newline(xml, 2);
		xml.writeEmptyElement("SpotFilterCollection");
		newline(xml, 2);
		xml.writeEmptyElement("TrackerSettings");
		xml.writeAttribute("TRACKER_NAME", "MANUAL_TRACKER");
		newline(xml, 2);
		xml.writeEmptyElement("TrackFilterCollection");
		newline(xml, 2);
		xml.writeStartElement("AnalyzerCollection");
		xml.writeEmptyElement("SpotAnalyzers");
		xml.writeEmptyElement("EdgeAnalyzers");
		xml.writeEmptyElement("TrackAnalyzers");
		xml.writeEndElement();
		newline(xml, 1);
		xml.writeEndElement();
	}

	private static void declare(XMLStreamWriter xml, String group, String[][] features) throws XMLStreamException {
		newline(xml, 3);
		xml.writeStartElement(group);
		for (String[] f : features) {
			newline(xml, 4);
			xml.writeEmptyElement("Feature");
			xml.writeAttribute("feature", f[0]);
			xml.writeAttribute("name", f[1]);
			xml.writeAttribute("shortname", f[2]);
			xml.writeAttribute("dimension", f[3]);
			xml.writeAttribute("isint", f[4]);
		}
		newline(xml, 3);
		xml.writeEndElement();
	}

	private static void element(XMLStreamWriter xml, int depth, String name, String text) throws XMLStreamException {
		newline(xml, depth);
		xml.writeStartElement(name);
		xml.writeCharacters(text);
		xml.writeEndElement();
	}

	private static void newline(XMLStreamWriter xml, int depth) throws XMLStreamException {
		xml.writeCharacters("\n" + "  ".repeat(depth));
	}

	private static double frameInterval(Calibration cal) {
		return cal.frameInterval > 0 ? cal.frameInterval : 1;
	}

	/** Numbers as Double.valueOf reads them (TrackMate parses every spot attribute so); NaN as 0. */
	private static String number(double v) {
		return Double.isFinite(v) ? Double.toString(v) : "0.0";
	}
}
