package io.github.sam2fiji.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnxruntime.OrtException;
import io.github.sam2fiji.npy.NpyArray;

/**
 * Replays the exporter's self-check of the committed tiny package: the graphs, run by ONNX Runtime
 * here, reproduce the outputs the official PyTorch code computed at export time
 * (test-data/sam2-tiny/selfcheck, made by make.sh), and a corrupted expectation is caught.
 */
class GraphSelfCheckTest {

	static final Path SELFCHECK = Path.of("test-data/sam2-tiny/selfcheck");

	@TempDir
	Path tmp;

	@Test
	void everyGraphMatchesPyTorch() throws IOException, OrtException {
		GraphSelfCheck.Report report = GraphSelfCheck.run(SELFCHECK, null, 1);
		assertEquals(8, report.cases().size());
		assertEquals(5, report.perGraph().size());
		for (GraphSelfCheck.CaseResult c : report.cases())
			assertTrue(c.maxAbsDiff() <= 1e-5, c.name() + ": " + c.maxAbsDiff());
		assertTrue(report.passed());
	}

	@Test
	void aWrongExpectationFails() throws IOException, OrtException {
		// copy the memory-encoder case and shift one expected value by 1e-3
		for (Path f : Files.list(SELFCHECK).toList()) Files.copy(f, tmp.resolve(f.getFileName()));
		String cases = Files.readString(tmp.resolve("cases.json"));
		Files.writeString(tmp.resolve("cases.json"), cases.replace("\"package\": \"../model\"",
				"\"package\": \"" + Path.of("test-data/sam2-tiny/model").toAbsolutePath().toString().replace("\\", "/") + "\""));
		Path file = tmp.resolve("memory_encoder.output.maskmem_features.npy");
		NpyArray expected = NpyArray.read(file);
		float[] v = expected.floats();
		v[v.length / 2] += 1e-3f;
		NpyArray.ofFloats(v, expected.shape()).write(file);
		GraphSelfCheck.Report report = GraphSelfCheck.run(tmp, null, 1);
		assertFalse(report.passed());
		GraphSelfCheck.CaseResult broken = report.cases().stream().filter(c -> c.name().equals("memory_encoder")).findFirst().orElseThrow();
		assertEquals(1e-3, broken.outputs().get("maskmem_features"), 1e-5);
	}

	/**
	 * The tolerance is absolute plus relative to the output's largest value: outputs in the hundreds
	 * (SAM 2's object scores reach ~660) that agree to float precision pass where an absolute 1e-5
	 * would refuse them, and a real disagreement still fails; an output of small values keeps the
	 * absolute bar.
	 */
	@Test
	void largeValuesAreHeldToARelativeTolerance() {
		NpyArray scores = NpyArray.ofFloats(new float[] { 660.25f, -412.5f }, 2);
		NpyArray close = NpyArray.ofFloats(new float[] { 660.25f + 4.3e-4f, -412.5f }, 2);
		NpyArray far = NpyArray.ofFloats(new float[] { 660.25f + 0.05f, -412.5f }, 2);
		assertTrue(GraphSelfCheck.agreement(scores, close, 1e-5, 0, "x").toleranceUsed() > 1, "absolute 1e-5 alone refuses 6.5e-7 relative");
		assertTrue(GraphSelfCheck.agreement(scores, close, 1e-5, 1e-5, "x").toleranceUsed() <= 1);
		assertTrue(GraphSelfCheck.agreement(scores, far, 1e-5, 1e-5, "x").toleranceUsed() > 1, "7.6e-5 relative is a disagreement");
		assertEquals(0.05, GraphSelfCheck.agreement(scores, far, 1e-5, 1e-5, "x").maxAbsDiff(), 1e-4);
		NpyArray small = NpyArray.ofFloats(new float[] { 0.5f, -0.25f }, 2);
		NpyArray smallOff = NpyArray.ofFloats(new float[] { 0.5f + 1e-3f, -0.25f }, 2);
		assertTrue(GraphSelfCheck.agreement(small, smallOff, 1e-4, 1e-5, "x").toleranceUsed() > 1, "small values keep the absolute bar");
	}
}
