package io.github.sam2fiji.core.predictor.sam2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.sam2fiji.core.model.ModelPackage;
import io.github.sam2fiji.core.predictor.SessionOptions;
import io.github.sam2fiji.core.predictor.parity.ReferenceCase;
import io.github.sam2fiji.core.predictor.parity.ReferenceCase.Shown;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;
import io.github.sam2fiji.core.runtime.RuntimeOptions;

/**
 * The longest official reference cases (48-60 frames of prompts, corrections, removals and
 * propagation both ways) replayed with a RAM budget of nothing: every memory and logit map goes
 * through the spill file and is read back from it. The results must be bit for bit those of the
 * unbounded run, and the spill file must be gone when the session closes.
 */
class Sam2SpillTest {

	@ParameterizedTest
	@ValueSource(strings = { "correct_late", "remove_object", "random_operations", "random_operations_as_cond" })
	void spillingEverythingChangesNothing(String name, @TempDir Path spillFolder) throws IOException {
		ReferenceCase c = ReferenceCase.load(name);
		try (Sam2Tracker tracker = new Sam2Tracker(ModelPackage.open(ReferenceCase.modelFolder()), new RuntimeOptions(false, 1))) {
			List<Shown> unbounded;
			try (Sam2Session session = (Sam2Session) tracker.newSession(c.frames(), c.options(SessionOptions.defaultMemoryBudget()))) {
				unbounded = c.replay(session);
				assertEquals(0, session.spillStatistics()[1], "the default budget holds these cases");
			}
			List<Shown> spilled;
			long[] statistics;
			try (Sam2Session session = (Sam2Session) tracker.newSession(c.frames(), c.options(0).withSpillFolder(spillFolder))) {
				spilled = c.replay(session);
				statistics = session.spillStatistics();
				assertEquals(0, session.storedBytes()[0], "nothing stays in RAM with a budget of 0");
				assertEquals(0, Files.list(spillFolder).count(), "the spill file is unlinked while in use");
			}
			System.out.printf("%s: spill file %d bytes, %d arrays written, %d read back%n", name, statistics[0], statistics[1], statistics[2]);
			assertTrue(statistics[1] > 100 && statistics[2] > 100, "the case went through the spill file");
			assertEquals(unbounded.size(), spilled.size());
			for (int k = 0; k < unbounded.size(); k++) {
				List<FrameResult> a = unbounded.get(k).results(), b = spilled.get(k).results();
				assertEquals(a.size(), b.size(), "frames of call " + k);
				for (int i = 0; i < a.size(); i++) {
					assertEquals(a.get(i).frame(), b.get(i).frame());
					for (int j = 0; j < a.get(i).objects().size(); j++) {
						ObjectResult x = a.get(i).objects().get(j), y = b.get(i).objects().get(j);
						String where = "call " + k + " frame " + a.get(i).frame() + " object " + x.objectId();
						assertEquals(x.mask(), y.mask(), where);
						assertEquals(x.objectScore(), y.objectScore(), where);
						assertArrayEquals(x.lowResLogits() == null ? null : x.lowResLogits().values(), y.lowResLogits() == null ? null : y.lowResLogits().values(), where);
					}
				}
			}
		}
		assertEquals(0, Files.list(spillFolder).count(), "no spill file left");
	}
}
