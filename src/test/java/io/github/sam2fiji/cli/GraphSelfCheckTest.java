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
import io.github.sam2fiji.core.runtime.NpyArray;

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
}
