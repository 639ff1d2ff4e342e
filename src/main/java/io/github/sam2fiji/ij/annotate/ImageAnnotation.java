package io.github.sam2fiji.ij.annotate;

import java.awt.Color;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.PointRoi;
import ij.gui.Roi;
import ij.plugin.filter.ThresholdToSelection;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;
import io.github.sam2fiji.core.annotate.AnnotationListener;
import io.github.sam2fiji.core.annotate.Annotator;
import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.io.AtomicOutputs;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.prompt.BoxPrompt;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;
import io.github.sam2fiji.core.script.PromptScript;
import io.github.sam2fiji.ij.GlasbeyLut;
import io.github.sam2fiji.ij.HyperstackTracking;
import io.github.sam2fiji.ij.LabelImageWriter;
import io.github.sam2fiji.ij.PlacedPrompt;
import io.github.sam2fiji.ij.PromptSet;
import io.github.sam2fiji.ij.RoiPrompts;
import io.github.sam2fiji.ij.SequenceLayout;
import io.github.sam2fiji.ij.TrackAxis;

/**
 * The annotator on an ImageJ image, without windows: one sequence of the image (the channel and
 * axis given; for a hyperstack tracked along t, the z slice in view when it opened) bound to an
 * {@link Annotator}. ImageJ ROIs drawn on the current frame become prompts, each frame's masks become
 * overlay ROIs, and accepting gives the same {@link HyperstackTracking.Result} as SAM 2 Track
 * replaying the session's prompt script. The image is only read.
 */
public final class ImageAnnotation implements AutoCloseable {

	/** Property of the overlay ROIs the annotator draws (the object's ID; "prompts" for the prompt markers). */
	public static final String OVERLAY_PROPERTY = "sam2fiji_annotator";
	/** Opacity of the mask fill (0 to 255): the cells stay visible under it. */
	private static final int FILL_ALPHA = 90;

	private final ImagePlus image;
	private final SequenceLayout layout;
	private final int sequence;
	private final Annotator annotator;
	private final int[] palette = GlasbeyLut.colours();

	/**
	 * @param model loads the model on the annotator's worker (the annotator closes it)
	 * @throws IllegalArgumentException if the axis or channel does not fit the image
	 */
	public ImageAnnotation(ImagePlus image, TrackAxis axis, int channel, Supplier<Tracker> model, AnnotationListener listener) {
		this.image = image;
		this.layout = SequenceLayout.of(image, axis, channel);
		this.sequence = Math.max(0, layout.currentFrameAndSequence()[1]);
		this.annotator = new Annotator(layout.source(sequence), model, listener);
	}

	public Annotator annotator() {
		return annotator;
	}

	public SequenceLayout layout() {
		return layout;
	}

	/** The sequence annotated (0-based position on the other axis: the z slice of a 3-D time-lapse). */
	public int sequence() {
		return sequence;
	}

	/** The frame in view (0-based, along the annotated axis). */
	public int currentFrame() {
		return Math.max(0, layout.currentFrameAndSequence()[0]);
	}

	/** Whether the image shows the annotated sequence (for 3-D + t: the same z slice). */
	public boolean showsSequence() {
		return layout.sequenceCount() == 1 || layout.currentFrameAndSequence()[1] == sequence;
	}

	// ---------------------------------------------------------------- prompts

	/**
	 * A ROI drawn on the current frame as a prompt for the current object: points are clicks
	 * (negative with {@code negative}), a rectangle a box, any other area a mask.
	 *
	 * @throws IllegalArgumentException for a line or an empty area
	 */
	public CompletableFuture<Void> prompt(Roi roi, boolean negative) {
		int frame = currentFrame();
		if (roi instanceof PointRoi points) {
			CompletableFuture<Void> last = null;
			ij.process.FloatPolygon polygon = points.getFloatPolygon();
			for (int i = 0; i < polygon.npoints; i++) last = click(frame, polygon.xpoints[i], polygon.ypoints[i], negative);
			if (last == null) throw new IllegalArgumentException("The point selection has no points");
			return last;
		}
		if (!roi.isArea()) throw new IllegalArgumentException("A " + roi.getTypeAsString().toLowerCase() + " is not a prompt: click a point, or draw a rectangle or an area");
		if (RoiPrompts.isBox(roi)) {
			Rectangle r = roi.getBounds().intersection(new Rectangle(0, 0, image.getWidth(), image.getHeight()));
			if (r.isEmpty()) throw new IllegalArgumentException("The rectangle lies outside the image");
			return annotator.box(frame, new BoxPrompt(r.x, r.y, r.x + r.width, r.y + r.height));
		}
		byte[] mask = RoiPrompts.areaMask(roi, image.getWidth(), image.getHeight());
		if (mask == null) throw new IllegalArgumentException("The selection covers no pixel of the image");
		return annotator.mask(frame, BinaryMask.of(image.getWidth(), image.getHeight(), mask));
	}

	/** A click on the pixel at image coordinates (x, y) of the frame, for the current object (pixel indices, as SAM takes them: SAM adds the half pixel). */
	public CompletableFuture<Void> click(int frame, double x, double y, boolean negative) {
		if (x < 0 || y < 0 || x >= image.getWidth() || y >= image.getHeight())
			throw new IllegalArgumentException("The click at (" + (int) x + ", " + (int) y + ") is outside the " + image.getWidth() + " x " + image.getHeight() + " image");
		return annotator.click(frame, Math.floor(x), Math.floor(y), !negative);
	}

	// ---------------------------------------------------------------- overlay

	/** The object's colour in the overlay and in label images (the Glasbey LUT's). */
	public Color colour(int objectId) {
		return new Color(palette[Math.floorMod(objectId, palette.length)]);
	}

	/**
	 * What the frame shows, as ROIs for the image's overlay: each present object's mask filled in its
	 * label colour (the current object's outline drawn too), and the prompts on the frame as points
	 * (positive green, negative red) and boxes.
	 */
	public List<Roi> overlayRois(int frame) {
		List<Roi> rois = new ArrayList<>();
		FrameResult shown = annotator.shown(frame);
		int current = annotator.currentObject();
		if (shown != null)
			for (ObjectResult o : shown.objects()) {
				if (!o.present()) continue;
				Roi roi = selection(o.mask());
				if (roi == null) continue;
				Color colour = colour(o.objectId());
				roi.setName("object " + o.objectId());
				roi.setFillColor(new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), FILL_ALPHA));
				roi.setProperty(OVERLAY_PROPERTY, Integer.toString(o.objectId()));
				rois.add(roi);
				if (o.objectId() == current) {
					// traced again, not cloned: ImageJ 1.53's clone shares the properties, and the fill would lose its ID
					Roi outline = selection(o.mask());
					outline.setStrokeColor(colour);
					outline.setStrokeWidth(2);
					outline.setName("object " + o.objectId() + " (current)");
					outline.setProperty(OVERLAY_PROPERTY, "current");
					rois.add(outline);
				}
			}
		PointRoi positive = null, negative = null;
		for (ObjectPrompt p : annotator.prompts(frame)) {
			if (p.box() != null) {
				BoxPrompt b = p.box();
				Roi box = new Roi(b.x0(), b.y0(), b.x1() - b.x0(), b.y1() - b.y0());
				box.setStrokeColor(Color.YELLOW);
				box.setProperty(OVERLAY_PROPERTY, "prompts");
				rois.add(box);
			}
			for (PointPrompt pt : p.points()) {
				if (pt.positive()) positive = addPoint(positive, pt, Color.GREEN);
				else negative = addPoint(negative, pt, Color.RED);
			}
		}
		if (positive != null) rois.add(positive);
		if (negative != null) rois.add(negative);
		return rois;
	}

	/** The image's overlay with the frame's annotation in place of the previous one (the user's own overlay ROIs kept). */
	public Overlay overlay(int frame) {
		Overlay overlay = new Overlay();
		Overlay before = image.getOverlay();
		if (before != null)
			for (Roi roi : before.toArray())
				if (roi.getProperty(OVERLAY_PROPERTY) == null) overlay.add(roi);
		for (Roi roi : overlayRois(frame)) overlay.add(roi);
		return overlay;
	}

	/** Takes the annotator's ROIs off the image's overlay (the user's own stay). */
	public void clearOverlay() {
		Overlay before = image.getOverlay();
		if (before == null) return;
		Overlay kept = new Overlay();
		for (Roi roi : before.toArray())
			if (roi.getProperty(OVERLAY_PROPERTY) == null) kept.add(roi);
		image.setOverlay(kept.size() == 0 ? null : kept);
	}

	private static PointRoi addPoint(PointRoi roi, PointPrompt p, Color colour) {
		if (roi == null) {
			roi = new PointRoi(p.x(), p.y());
			roi.setStrokeColor(colour);
			roi.setPointType(PointRoi.DOT);
			roi.setSize(3);
			roi.setProperty(OVERLAY_PROPERTY, "prompts");
			return roi;
		}
		roi.addPoint(p.x(), p.y());
		return roi;
	}

	/** The mask as a selection, traced on its bounding box only (a cell in a large frame is fast). */
	static Roi selection(BinaryMask mask) {
		int[] b = mask.bounds();
		if (b == null) return null;
		int x0 = b[0], y0 = b[1], x1 = b[2], y1 = b[3];
		ByteProcessor crop = new ByteProcessor(x1 - x0 + 1, y1 - y0 + 1);
		for (int y = y0; y <= y1; y++)
			for (int x = x0; x <= x1; x++)
				if (mask.get(x, y)) crop.set(x - x0, y - y0, 255);
		crop.setThreshold(255, 255, ImageProcessor.NO_LUT_UPDATE);
		Roi roi = new ThresholdToSelection().convert(crop);
		if (roi == null) return null;
		Rectangle r = roi.getBounds();
		roi.setLocation(r.x + x0, r.y + y0);
		return roi;
	}

	// ---------------------------------------------------------------- accept

	/**
	 * The session's result after all asked work is done, as SAM 2 Track gives it: a label image like
	 * the input (the annotated sequence's frames written, each with what it shows), measurements,
	 * and the prompts; with the prompt script that replays it.
	 */
	public Accepted accept() throws InterruptedException {
		LabelImageWriter writer = LabelImageWriter.like(image);
		try {
			PromptScript script = annotator.accept(r -> {
				int[] zt = HyperstackTracking.zt(layout, sequence, r.frame());
				writer.write(zt[0], zt[1], r);
			}).get();
			List<PlacedPrompt> placed = new ArrayList<>();
			SortedMap<Integer, String> names = new TreeMap<>();
			for (PromptScript.Step s : script.steps())
				if (s instanceof PromptScript.Add a) {
					placed.add(new PlacedPrompt(sequence, a.prompt()));
					names.put(a.prompt().objectId(), "object " + a.prompt().objectId());
				}
			for (var o : annotator.objects()) names.putIfAbsent(o.id(), "object " + o.id());
			return new Accepted(new HyperstackTracking.Result(writer.image(), writer.measurements(), new PromptSet(placed, names), layout.axis()), script);
		}
		catch (ExecutionException e) {
			Throwable cause = e.getCause();
			throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
		}
	}

	/** An accepted session: its result and the script that replays it. */
	public record Accepted(HyperstackTracking.Result result, PromptScript script) {

		/** Writes the script as UTF-8 JSON, whole or not at all. */
		public void saveScript(Path file) throws IOException {
			AtomicOutputs.writeFile(file, to -> java.nio.file.Files.writeString(to, script.toJson(), StandardCharsets.UTF_8));
		}
	}

	/**
	 * The macro call that replays a saved session with SAM 2 Track (the same labels), for the recorder.
	 *
	 * @param model the model's name or folder as SAM 2 Track takes it
	 */
	public String macroLine(String model, Path script) {
		return "run(\"SAM 2 Track\", \"model=[" + model + "] axis=" + layout.axis().name().toLowerCase() + " channel=" + layout.channel()
			+ " direction=both label_image=none prompt_script=[" + script.toAbsolutePath() + "]\");";
	}

	@Override
	public void close() {
		annotator.close();
	}
}
