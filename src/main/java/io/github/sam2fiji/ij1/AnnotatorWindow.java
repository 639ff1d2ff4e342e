package io.github.sam2fiji.ij1;

import java.awt.BorderLayout;
import java.awt.Button;
import java.awt.Choice;
import java.awt.Component;
import java.awt.Color;
import java.awt.EventQueue;
import java.awt.Font;
import java.awt.GridLayout;
import java.awt.Label;
import java.awt.Panel;
import java.awt.event.MouseAdapter;
import java.awt.event.MouseEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import ij.IJ;
import ij.ImageListener;
import ij.ImagePlus;
import ij.gui.GenericDialog;
import ij.gui.ImageCanvas;
import ij.gui.PointRoi;
import ij.gui.Roi;
import ij.gui.Toolbar;
import ij.plugin.frame.PlugInFrame;
import ij.plugin.frame.Recorder;
import io.github.sam2fiji.core.annotate.AnnotatedObject;
import io.github.sam2fiji.core.annotate.AnnotationListener;
import io.github.sam2fiji.core.annotate.AnnotatorStatus;
import io.github.sam2fiji.core.predictor.Direction;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.ij.OutputPublisher;
import io.github.sam2fiji.ij.TrackAxis;
import io.github.sam2fiji.ij.annotate.ImageAnnotation;

/**
 * The "SAM 2 Annotator" panel beside an image: the model stays loaded while it is open, clicks with
 * ImageJ's own tools become prompts on the frame in view (point tool: a click, Alt+click a negative
 * one; rectangle: a box; any other area: a mask), masks show as a coloured overlay at once, and
 * propagation fills the other frames while the user scrolls. All model work runs on the
 * annotator's worker; this class only turns AWT events into {@link ImageAnnotation} calls and draws
 * what the annotator says changed.
 */
final class AnnotatorWindow extends PlugInFrame implements AnnotationListener, ImageListener {

	static final String TITLE = "SAM 2 Annotator";

	private final ImagePlus image;
	private final ImageAnnotation annotation;
	private final String modelName;
	private final Function<String, Supplier<Tracker>> models;
	/** The objects, each with its label colour (a Swing list: AWT's cannot show colours). */
	private final javax.swing.DefaultListModel<AnnotatedObject> objectItems = new javax.swing.DefaultListModel<>();
	private final javax.swing.JList<AnnotatedObject> objectList = new javax.swing.JList<>(objectItems);
	private boolean refreshing;
	private final Label status = new Label("loading the model...");
	/** Which model and where it runs (CPU or GPU, and why not the GPU): a long line, wrapped. */
	private final java.awt.TextArea model = new java.awt.TextArea("Model: loading...", 3, 60, java.awt.TextArea.SCROLLBARS_VERTICAL_ONLY);
	private final Choice modelChoice = new Choice();
	private final Button cancel = new Button("Cancel");
	private final MouseAdapter clicks = new MouseAdapter() {
		@Override
		public void mouseReleased(MouseEvent e) {
			promptFromMouse(e);
		}
	};
	private int shownFrame = -1;
	/** Whether the annotator's worker is at work (the last status it gave). */
	private volatile boolean busy = true;
	private boolean disposed;
	private String currentModel;

	/**
	 * @param models opens a model by name or folder (on the annotator's worker)
	 */
	AnnotatorWindow(ImagePlus image, TrackAxis axis, int channel, String modelName, List<String> installed, Function<String, Supplier<Tracker>> models) {
		super(TITLE + " - " + image.getTitle());
		this.image = image;
		this.modelName = modelName;
		this.currentModel = modelName;
		this.models = models;
		this.annotation = new ImageAnnotation(image, axis, channel, models.apply(modelName), this);
		try {
			layoutPanel(installed);
			ImagePlus.addImageListener(this);
			ImageCanvas canvas = image.getCanvas();
			if (canvas != null) canvas.addMouseListener(clicks);
			annotation.annotator().viewing(annotation.currentFrame());
			refreshObjects();
		}
		catch (RuntimeException e) {
			dispose();
			throw e;
		}
	}

	ImageAnnotation annotation() {
		return annotation;
	}

	/** Whether the model is at work (loading, encoding, segmenting, propagating, replaying). */
	boolean busy() {
		return busy;
	}

	private void layoutPanel(List<String> installed) {
		setLayout(new BorderLayout(4, 4));
		Panel top = new Panel(new BorderLayout());
		model.setEditable(false);
		top.add(model, BorderLayout.NORTH);
		for (String name : installed) modelChoice.add(name);
		if (!installed.contains(modelName)) modelChoice.insert(modelName, 0);
		modelChoice.select(modelName);
		modelChoice.addItemListener(e -> switchModel(modelChoice.getSelectedItem()));
		top.add(modelChoice, BorderLayout.CENTER);
		Label help = new Label("Point tool: click = object, Alt+click = background; rectangle = box; area = mask");
		help.setFont(new Font("SansSerif", Font.PLAIN, 11));
		top.add(help, BorderLayout.SOUTH);
		add(top, BorderLayout.NORTH);
		objectList.setSelectionMode(javax.swing.ListSelectionModel.SINGLE_SELECTION);
		objectList.setVisibleRowCount(8);
		objectList.setCellRenderer(new javax.swing.DefaultListCellRenderer() {
			@Override
			public Component getListCellRendererComponent(javax.swing.JList<?> list, Object value, int index, boolean selected, boolean focus) {
				super.getListCellRendererComponent(list, value, index, selected, focus);
				AnnotatedObject o = (AnnotatedObject) value;
				setText("object " + o.id() + "   prompted on " + frames(o.promptedFrames()) + "   present on " + o.presentFrames().size() + " of " + o.shownFrames() + " frames shown");
				setIcon(swatch(annotation.colour(o.id())));
				return this;
			}
		});
		objectList.addListSelectionListener(e -> {
			AnnotatedObject o = objectList.getSelectedValue();
			if (!refreshing && !e.getValueIsAdjusting() && o != null) annotation.annotator().select(o.id());
		});
		add(new javax.swing.JScrollPane(objectList), BorderLayout.CENTER);
		Panel buttons = new Panel(new GridLayout(0, 3, 2, 2));
		buttons.add(button("New object", () -> annotation.annotator().newObject()));
		buttons.add(button("Undo", () -> annotation.annotator().undo()));
		buttons.add(button("Remove object", () -> {
			int id = annotation.annotator().currentObject();
			if (id != 0) annotation.annotator().removeObject(id);
		}));
		buttons.add(button("< Backward", () -> propagate(Direction.BACKWARD)));
		buttons.add(button("Both", () -> propagate(Direction.BOTH)));
		buttons.add(button("Forward >", () -> propagate(Direction.FORWARD)));
		buttons.add(button("Use selection", this::promptFromSelection));
		cancel.addActionListener(e -> annotation.annotator().cancel());
		cancel.setEnabled(false);
		buttons.add(cancel);
		buttons.add(button("Accept...", () -> new Thread(this::accept, TITLE + " accept").start()));
		Panel bottom = new Panel(new BorderLayout());
		bottom.add(buttons, BorderLayout.CENTER);
		bottom.add(status, BorderLayout.SOUTH);
		add(bottom, BorderLayout.SOUTH);
		pack();
		if (image.getWindow() != null) {
			java.awt.Window imageWindow = image.getWindow();
			java.awt.Point at = besideImage(imageWindow.getBounds(), getSize(), imageWindow.getGraphicsConfiguration().getBounds());
			setLocation(at.x, at.y);
		}
	}

	/**
	 * Where the panel goes: right of the image window, else left of it, else at the screen's right
	 * edge over the image; always on the screen, so no button is out of reach (an image window
	 * maximised or at the screen's right edge would otherwise push the panel off it).
	 */
	static java.awt.Point besideImage(java.awt.Rectangle image, java.awt.Dimension panel, java.awt.Rectangle screen) {
		int x;
		if (image.x + image.width + 4 + panel.width <= screen.x + screen.width) x = image.x + image.width + 4;
		else if (image.x - 4 - panel.width >= screen.x) x = image.x - 4 - panel.width;
		else x = screen.x + screen.width - panel.width;
		int y = Math.min(image.y, screen.y + screen.height - panel.height);
		return new java.awt.Point(Math.max(screen.x, x), Math.max(screen.y, y));
	}

	private static Button button(String label, Runnable action) {
		Button b = new Button(label);
		b.addActionListener(e -> {
			try {
				action.run();
			}
			catch (RuntimeException ex) {
				IJ.showStatus(TITLE + ": " + ex.getMessage());
			}
		});
		return b;
	}

	// ---------------------------------------------------------------- prompts from the image

	private void promptFromMouse(MouseEvent e) {
		if (!annotation.showsSequence()) {
			say("this image position is not the annotated one: go back to the z slice the annotator opened on");
			return;
		}
		try {
			int tool = Toolbar.getToolId();
			Roi roi = image.getRoi();
			if (tool == Toolbar.POINT || tool == Toolbar.CROSSHAIR) {
				ImageCanvas canvas = image.getCanvas();
				annotation.click(annotation.currentFrame(), canvas.offScreenX(e.getX()), canvas.offScreenY(e.getY()), e.isAltDown());
				if (roi instanceof PointRoi) image.deleteRoi();
			}
			else if (roi != null && roi.isArea() && roi.getState() == Roi.NORMAL) {
				annotation.prompt(roi, e.isAltDown());
				image.deleteRoi();
			}
		}
		catch (IllegalArgumentException ex) {
			say(ex.getMessage());
		}
	}

	private void promptFromSelection() {
		Roi roi = image.getRoi();
		if (roi == null) {
			say("no selection: draw one on the image, or select a ROI in the ROI Manager");
			return;
		}
		annotation.prompt(roi, false);
		image.deleteRoi();
	}

	private void propagate(Direction direction) {
		annotation.annotator().propagate(direction, annotation.currentFrame());
	}

	private void switchModel(String name) {
		if (name == null || name.equals(currentModel)) return;
		currentModel = name;
		annotation.annotator().switchModel(models.apply(name));
	}

	// ---------------------------------------------------------------- what the annotator says

	@Override
	public void frameChanged(int frame) {
		EventQueue.invokeLater(() -> {
			if (frame == annotation.currentFrame()) redraw();
		});
	}

	@Override
	public void objectsChanged() {
		EventQueue.invokeLater(() -> {
			refreshObjects();
			redraw();
		});
	}

	@Override
	public void status(AnnotatorStatus s) {
		busy = s.busy();
		EventQueue.invokeLater(() -> {
			status.setForeground(Color.BLACK);
			status.setText(s.message());
			cancel.setEnabled(s.activity() == AnnotatorStatus.Activity.PROPAGATING || s.activity() == AnnotatorStatus.Activity.REPLAYING);
			String text = "Model: " + annotation.annotator().model();
			if (!text.equals(model.getText())) model.setText(text);
			if (s.total() > 0) IJ.showProgress((double) s.done() / s.total());
			else IJ.showProgress(1.0);
		});
	}

	@Override
	public void failed(String message) {
		IJ.log(TITLE + ": " + message);
		say(message);
	}

	private void say(String message) {
		EventQueue.invokeLater(() -> {
			status.setForeground(Color.RED.darker());
			status.setText(message);
		});
	}

	private void refreshObjects() {
		List<AnnotatedObject> objects = annotation.annotator().objects();
		int current = annotation.annotator().currentObject();
		refreshing = true;
		try {
			objectItems.clear();
			objects.forEach(objectItems::addElement);
			for (int i = 0; i < objects.size(); i++)
				if (objects.get(i).id() == current) objectList.setSelectedIndex(i);
		}
		finally {
			refreshing = false;
		}
	}

	/** A small square of the object's colour for its row in the list. */
	private static javax.swing.Icon swatch(Color colour) {
		return new javax.swing.Icon() {
			@Override
			public void paintIcon(Component c, java.awt.Graphics g, int x, int y) {
				g.setColor(colour);
				g.fillRect(x, y + 1, 12, 12);
				g.setColor(Color.DARK_GRAY);
				g.drawRect(x, y + 1, 12, 12);
			}

			@Override
			public int getIconWidth() {
				return 16;
			}

			@Override
			public int getIconHeight() {
				return 14;
			}
		};
	}

	private static String frames(java.util.SortedSet<Integer> frames) {
		if (frames.isEmpty()) return "no frame";
		StringBuilder s = new StringBuilder();
		for (int f : frames) s.append(s.length() == 0 ? "" : ", ").append(f + 1);
		return s.toString();
	}

	/** Draws the frame in view; on a new frame, asks for its embedding in the background. */
	private void redraw() {
		if (!annotation.showsSequence()) return;
		int frame = annotation.currentFrame();
		if (frame != shownFrame) {
			shownFrame = frame;
			annotation.annotator().viewing(frame);
		}
		image.setOverlay(annotation.overlay(frame));
	}

	@Override
	public void imageUpdated(ImagePlus imp) {
		if (imp == image && annotation.currentFrame() != shownFrame) EventQueue.invokeLater(this::redraw);
	}

	@Override
	public void imageOpened(ImagePlus imp) {}

	@Override
	public void imageClosed(ImagePlus imp) {
		if (imp == image) EventQueue.invokeLater(this::dispose);
	}

	// ---------------------------------------------------------------- accept and close

	/** Asks for the outputs, then writes them as SAM 2 Track would (off the event thread). */
	private void accept() {
		GenericDialog gd = new GenericDialog(TITLE + ": accept");
		gd.addCheckbox("Add_ROIs", false);
		gd.addCheckbox("Results_table", true);
		gd.addCheckbox("Overlay (outlines on the image)", false);
		gd.addDirectoryField("CTC_folder", "", 30);
		gd.addFileField("TrackMate_file", "", 30);
		String folder = image.getOriginalFileInfo() != null && image.getOriginalFileInfo().directory != null ? image.getOriginalFileInfo().directory : IJ.getDirectory("temp");
		gd.addFileField("Prompt_script", Path.of(folder, image.getShortTitle() + "-prompts.json").toString(), 30);
		gd.addMessage("The prompt script replays this session with SAM 2 Track (recorded as a macro line when the Recorder is on).");
		gd.addCheckbox("Close the annotator", false);
		gd.showDialog();
		if (gd.wasCanceled()) return;
		boolean addRois = gd.getNextBoolean(), table = gd.getNextBoolean(), outlines = gd.getNextBoolean();
		String ctc = gd.getNextString().trim(), trackmate = gd.getNextString().trim(), script = gd.getNextString().trim();
		boolean close = gd.getNextBoolean();
		try {
			say("accepting (waiting for the work asked so far)...");
			ImageAnnotation.Accepted accepted = annotation.accept();
			var result = accepted.result();
			if (!script.isEmpty()) {
				accepted.saveScript(Path.of(script));
				String line = annotation.macroLine(currentModel, Path.of(script));
				IJ.log(TITLE + ": the session replays with " + line);
				if (Recorder.record) Recorder.recordString(line + "\n");
			}
			if (addRois) OutputPublisher.addRois(result);
			if (table) OutputPublisher.showTable(result);
			if (!ctc.isEmpty()) OutputPublisher.exportCtc(result, Path.of(ctc));
			if (!trackmate.isEmpty()) OutputPublisher.exportTrackMate(image, result, Path.of(trackmate));
			if (close) EventQueue.invokeLater(this::dispose);
			if (outlines) {
				annotation.clearOverlay();
				OutputPublisher.overlayOutlines(image, result);
			}
			result.labels().show();
			say("accepted: " + result.prompts().names().size() + " objects");
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException | java.io.IOException e) {
			failed("accept failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
		}
	}

	@Override
	public void dispose() {
		if (disposed) return;
		disposed = true;
		ImagePlus.removeImageListener(this);
		ImageCanvas canvas = image.getCanvas();
		if (canvas != null) canvas.removeMouseListener(clicks);
		annotation.clearOverlay();
		// the model closes off the event thread (a propagation stops after its current frame)
		new Thread(annotation::close, TITLE + " close").start();
		super.dispose();
	}
}
