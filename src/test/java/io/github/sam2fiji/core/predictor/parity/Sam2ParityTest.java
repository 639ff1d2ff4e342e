package io.github.sam2fiji.core.predictor.parity;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import io.github.sam2fiji.convert.CheckpointConverter;
import io.github.sam2fiji.convert.ModelTemplate;
import io.github.sam2fiji.convert.TorchCheckpoint;
import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.predictor.SessionOptions;
import io.github.sam2fiji.core.predictor.Tracker;
import io.github.sam2fiji.core.predictor.TrackingSession;
import io.github.sam2fiji.core.predictor.sam2.Sam2Tracker;
import io.github.sam2fiji.core.runtime.RuntimeOptions;

/**
 * Parity with the official SAM2VideoPredictor on every case of test-data/sam2-reference, through
 * the public API only (this test lives outside the runtime's package): the same calls (prompts
 * appended or replacing, masks, cleared prompts, removed objects, propagation from a start frame for
 * a number of frames either way, in both correction policies) are made on a {@link TrackingSession},
 * and every frame and object the official call showed must match: mask IoU at least 0.999, the
 * same presence, and low-res logits within {@link #ABS_TOLERANCE} + {@link #REL_TOLERANCE} x |official|.
 */
class Sam2ParityTest {

	static final double MIN_IOU = 0.999;
	/**
	 * Logit tolerance. Graph by graph ONNX Runtime and PyTorch agree to ~1e-5 relative (the package's
	 * self-check); over 60 frames of memory the differences stay below 1e-4 on these logits (up to
	 * ~200), measured with this test. The bound leaves room for other CPUs' summation orders, not
	 * for a different rule: a wrong memory or pointer moves logits by whole units.
	 */
	static final double ABS_TOLERANCE = 5e-4, REL_TOLERANCE = 1e-4;

	@TestFactory
	Stream<DynamicTest> everyReferenceCase() throws IOException {
		List<DynamicTest> tests = new ArrayList<>();
		for (String name : ReferenceCase.names()) tests.add(DynamicTest.dynamicTest(name, () -> check(ReferenceCase.load(name))));
		assertTrue(tests.size() >= 20, "expected the reference cases, found " + tests.size());
		return tests.stream();
	}

	/**
	 * The same cases on a package converted in Java from a torch.save checkpoint of the reference
	 * model (test-data/checkpoints/sam2_tiny_reference.pt) through the tiny architecture's weight-free
	 * template: SAM 2 without Python reproduces the official predictor.
	 */
	@TestFactory
	Stream<DynamicTest> everyReferenceCaseOnAPackageConvertedInJava(@TempDir Path tmp) throws IOException {
		return everyCaseConvertedThrough(io.github.sam2fiji.testing.TinyTemplate.FOLDER, tmp);
	}

	/**
	 * The same cases through the fused template (--fused-attention: Hiera's windowed and global
	 * attention and the memory attention as ONNX Runtime's MultiHeadAttention, the fast graphs):
	 * the fast export keeps the official masks and logits.
	 */
	@TestFactory
	Stream<DynamicTest> everyReferenceCaseWithFusedAttention(@TempDir Path tmp) throws IOException {
		for (String graph : List.of("image_encoder.onnx", "memory_attention.onnx"))
			assertTrue(new String(java.nio.file.Files.readAllBytes(io.github.sam2fiji.testing.TinyTemplate.FUSED_FOLDER.resolve(graph)), java.nio.charset.StandardCharsets.ISO_8859_1)
				.contains("MultiHeadAttention"), graph + " of the fused template has no fused attention (re-run test-data/sam2-tiny/make.sh)");
		return everyCaseConvertedThrough(io.github.sam2fiji.testing.TinyTemplate.FUSED_FOLDER, tmp);
	}

	private static Stream<DynamicTest> everyCaseConvertedThrough(Path template, Path tmp) throws IOException {
		Path converted = tmp.resolve("converted");
		try (TorchCheckpoint checkpoint = TorchCheckpoint.open(Path.of("test-data/checkpoints/sam2_tiny_reference.pt"), CancellationToken.NEVER)) {
			CheckpointConverter.convert(checkpoint, ModelTemplate.open(template), converted,
				new CheckpointConverter.Options("sam2-tiny-reference-converted", false, null), (d, t, m) -> {}, CancellationToken.NEVER);
		}
		List<DynamicTest> tests = new ArrayList<>();
		for (String name : ReferenceCase.names()) tests.add(DynamicTest.dynamicTest(name, () -> check(ReferenceCase.load(name), converted)));
		assertTrue(tests.size() >= 20, "expected the reference cases, found " + tests.size());
		return tests.stream();
	}

	private static void check(ReferenceCase c) throws IOException {
		check(c, ReferenceCase.modelFolder());
	}

	private static void check(ReferenceCase c, Path model) throws IOException {
		ReferenceCase.Report report;
		try (Tracker tracker = new Sam2Tracker(ModelPackage.open(model), new RuntimeOptions(false, 1));
			TrackingSession session = tracker.newSession(c.clip, c.options(SessionOptions.defaultMemoryBudget()))) {
			report = c.compare(c.replay(session), MIN_IOU, ABS_TOLERANCE, REL_TOLERANCE);
		}
		System.out.println(c.name + " (" + c.frameCount() + " frames, " + c.stepCount() + " calls): " + report);
		assertTrue(report.compared > 0, "nothing compared");
		assertTrue(report.failures.isEmpty(), c.name + ":\n" + String.join("\n", report.failures.subList(0, Math.min(40, report.failures.size()))));
	}
}
