package io.github.sam2fiji.ij.annotate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.OvalRoi;
import ij.process.ByteProcessor;
import io.github.sam2fiji.core.Trackers;
import io.github.sam2fiji.core.annotate.AnnotationListener;
import io.github.sam2fiji.core.annotate.AnnotatorStatus;
import io.github.sam2fiji.core.runtime.RuntimeOptions;
import io.github.sam2fiji.ij.TrackAxis;

/**
 * NOT a test: the annotator's speed (scripts/bench --annotator). On a generated 1024 x 1024 stack of
 * cells (FRAMES frames), measures in one run: the model load (the panel is interactive once it is
 * done, since nothing else is computed up front: the frames read are counted), the encoder on a
 * frame the user moves to, a click to its mask shown with the frame's embedding cached (the decoder
 * and the overlay ROIs, median of CLICKS clicks), and a click on a frame not encoded yet. Prints one
 * JSON line and the ratios to the targets (150 ms for a SAM 1 interface model, 250 ms for SAM 2).
 *
 * Arguments: MODEL_DIR [FRAMES=92] [CLICKS=12] [THREADS=2]
 */
public final class AnnotatorBenchmark {

	private static final int SIDE = 1024, CELL = 60;

	public static void main(String[] args) throws Exception {
		Path model = Path.of(args[0]);
		int frames = args.length > 1 ? Integer.parseInt(args[1]) : 92;
		int clicks = args.length > 2 ? Integer.parseInt(args[2]) : 12;
		int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
		ImagePlus stack = cells(frames);
		AtomicInteger framesRead = new AtomicInteger();
		// a virtual stack, as a large file opens: counts the frames anything reads
		ImagePlus counted = new ImagePlus("cells", new ij.VirtualStack(SIDE, SIDE, null, null) {
			@Override
			public ij.process.ImageProcessor getProcessor(int n) {
				framesRead.incrementAndGet();
				return stack.getStack().getProcessor(n);
			}

			@Override
			public Object getPixels(int n) {
				return getProcessor(n).getPixels();
			}

			@Override
			public int getSize() {
				return frames;
			}

			@Override
			public String getSliceLabel(int n) {
				return null;
			}
		});
		counted.setDimensions(1, 1, frames);
		framesRead.set(0);
		RuntimeOptions runtime = new RuntimeOptions(RuntimeOptions.defaults().useGpu(), threads);

		long t0 = System.nanoTime();
		List<AnnotatorStatus> statuses = Collections.synchronizedList(new ArrayList<>());
		AnnotationListener listener = new AnnotationListener() {
			@Override
			public void frameChanged(int frame) {}

			@Override
			public void objectsChanged() {}

			@Override
			public void status(AnnotatorStatus status) {
				statuses.add(status);
			}

			@Override
			public void failed(String message) {
				System.err.println("failed: " + message);
			}
		};
		try (ImageAnnotation a = new ImageAnnotation(counted, TrackAxis.T, 1, () -> Trackers.open(model, runtime), listener)) {
			while (a.annotator().model().startsWith("loading")) Thread.sleep(5);
			double loadMs = ms(t0);
			int readAtOpen = framesRead.get();
			String describe = a.annotator().model();

			// the user moves to frame 1: its embedding is computed in the background (the first runs of
			// the encoder also warm ONNX Runtime up, so the encoder is timed as the fastest of three more frames)
			a.annotator().viewing(0);
			a.annotator().afterQueuedWork().get(10, TimeUnit.MINUTES);
			List<Double> encodes = new ArrayList<>();
			for (int f = 40; f < 45; f++) {
				long t1 = System.nanoTime();
				a.annotator().viewing(f);
				a.annotator().afterQueuedWork().get(10, TimeUnit.MINUTES);
				encodes.add(ms(t1));
			}
			Collections.sort(encodes);
			double encodeMs = encodes.get(encodes.size() / 2);
			a.annotator().viewing(0);
			a.annotator().afterQueuedWork().get(10, TimeUnit.MINUTES);

			// clicks with the embedding cached, mask and overlay each time: refining one object (clicks
			// inside its cell), then one new object per cell (each click decodes one prompt; the frame's
			// other objects are shown again from their cached answers)
			List<Double> refineMs = new ArrayList<>();
			a.annotator().newObject();
			for (int i = 0; i < clicks / 2; i++) {
				double[] c = centre(0, 0);
				long t = System.nanoTime();
				a.click(0, c[0] - 10 + 4 * (i % 6), c[1] - 6 + 2 * (i % 6), false).get(10, TimeUnit.MINUTES);
				a.overlayRois(0);
				refineMs.add(ms(t));
			}
			List<Double> clickMs = new ArrayList<>();
			for (int i = 1; i <= clicks; i++) {
				a.annotator().newObject();
				double[] c = centre(i % 16, 0);
				long t = System.nanoTime();
				a.click(0, c[0], c[1], false).get(10, TimeUnit.MINUTES);
				a.overlayRois(0);
				clickMs.add(ms(t));
			}
			System.out.println("refining object 1 (ms per click): " + refineMs.stream().map(v -> String.format("%.0f", v)).toList());
			System.out.println("new objects 2 to " + (clicks + 1) + " (ms per click): " + clickMs.stream().map(v -> String.format("%.0f", v)).toList());
			clickMs.addAll(refineMs);
			Collections.sort(clickMs);
			double median = clickMs.get(clickMs.size() / 2);

			// clicks on frames not encoded yet: encoder + decoder + overlay (median of five, against the encoder's median)
			List<Double> firsts = new ArrayList<>();
			int readBefore = framesRead.get();
			for (int f = 5; f < 10; f++) {
				a.annotator().newObject();
				double[] c = centre(0, f);
				long t2 = System.nanoTime();
				a.click(f, c[0], c[1], false).get(10, TimeUnit.MINUTES);
				a.overlayRois(f);
				firsts.add(ms(t2));
			}
			int readForFirsts = framesRead.get() - readBefore;
			Collections.sort(firsts);
			double firstMs = firsts.get(firsts.size() / 2);

			boolean sam2 = "sam2".equals(io.github.sam2fiji.core.model.ModelPackage.open(model).kind());
			double target = sam2 ? 250 : 150;
			System.out.printf("{\"describe\": \"%s\", \"frames\": %d, \"side\": %d, \"threads\": %d, \"load_ms\": %.0f, \"frames_read_at_open\": %d, "
				+ "\"encode_ms\": %.0f, \"click_cached_median_ms\": %.1f, \"click_cached_max_ms\": %.1f, \"click_new_frame_ms\": %.0f, \"target_ms\": %.0f}%n",
				describe.replace("\"", "'"), frames, SIDE, threads, loadMs, readAtOpen, encodeMs, median, clickMs.get(clickMs.size() - 1), firstMs, target);
			System.out.printf("open: interactive after the model load (%.0f ms); frames read up front: %d of %d%n", loadMs, readAtOpen, frames);
			System.out.printf("click to mask shown, embedding cached: median %.1f ms over %d clicks (target %.0f ms): ratio %.2f%n", median, clickMs.size(), target, median / target);
			System.out.printf("frames read for the 5 clicks on new frames: %d%n", readForFirsts);
			System.out.printf("first mask on a new frame: median %.0f ms = encoder (median %.0f ms, range %.0f to %.0f) + %.0f ms (target: encoder + %.0f ms): ratio %.2f%n", firstMs,
				encodeMs, encodes.get(0), encodes.get(encodes.size() - 1), firstMs - encodeMs, target, (firstMs - encodeMs) / target);
		}
	}

	private static double ms(long since) {
		return (System.nanoTime() - since) / 1e6;
	}

	/** Cell i of a 4 x 4 grid on frame t (drifting right by 2 px a frame). */
	private static double[] centre(int i, int t) {
		return new double[] { 128 + (i % 4) * 256 + 2 * t, 128 + (i / 4) * 256 };
	}

	private static ImagePlus cells(int frames) {
		ImageStack stack = new ImageStack(SIDE, SIDE);
		java.util.Random random = new java.util.Random(1);
		for (int t = 0; t < frames; t++) {
			ByteProcessor ip = new ByteProcessor(SIDE, SIDE);
			byte[] px = (byte[]) ip.getPixels();
			for (int p = 0; p < px.length; p++) px[p] = (byte) (20 + random.nextInt(15));
			for (int i = 0; i < 16; i++) {
				double[] c = centre(i, t);
				ip.setValue(140 + 6 * i);
				ip.fill(new OvalRoi(c[0] - CELL / 2.0, c[1] - CELL / 2.0, CELL, CELL * 0.8));
			}
			stack.addSlice(ip);
		}
		return new ImagePlus("cells", stack);
	}
}
