package io.github.sam2fiji.core.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.predictor.ClickCandidates;
import io.github.sam2fiji.core.progress.CancellationToken;
import io.github.sam2fiji.core.prompt.PointPrompt;

/** Remembered answers: the model's own, each click decoded once per frame while within the budget. */
class RememberedClicksTest {

	private static final int W = 40, H = 30;

	/** A model whose answer to a click is a square around it (two on even x, none on x divisible by 5), counting what it decodes. */
	private static final class SquareModel implements ClickCandidates {
		final List<String> decoded = new ArrayList<>();

		@Override
		public List<Candidate> candidates(int frame, List<PointPrompt> clicks, CancellationToken cancel) {
			List<Candidate> out = new ArrayList<>();
			for (PointPrompt c : clicks) {
				decoded.add(frame + ":" + (int) c.x() + "," + (int) c.y());
				int x = (int) c.x(), y = (int) c.y();
				if (x % 5 == 0) continue;
				for (int k = 1; k <= (x % 2 == 0 ? 2 : 1); k++) {
					byte[] bits = new byte[W * H];
					for (int j = Math.max(0, y - k - frame); j <= Math.min(H - 1, y + k); j++)
						for (int i = Math.max(0, x - k); i <= Math.min(W - 1, x + k); i++) bits[j * W + i] = 1;
					out.add(new Candidate(c, BinaryMask.of(W, H, bits), 0.9f + 0.01f * k, 0.96f, 0.5f * k));
				}
			}
			return out;
		}
	}

	private static List<PointPrompt> clicks(int... xy) {
		List<PointPrompt> out = new ArrayList<>();
		for (int i = 0; i < xy.length; i += 2) out.add(new PointPrompt(xy[i], xy[i + 1], true));
		return out;
	}

	@Test
	void aFrameSearchedAgainDecodesOnlyNewClicksAndAnswersAsTheModel() {
		SquareModel model = new SquareModel(), reference = new SquareModel();
		RememberedClicks remembered = new RememberedClicks(model, W, H, 0.88, 0.95, 1 << 20);
		List<PointPrompt> first = clicks(3, 4, 10, 10, 12, 8), second = clicks(12, 8, 3, 4, 21, 7, 22, 20);
		assertEquals(reference.candidates(0, first, 0.88, 0.95, CancellationToken.NEVER), remembered.candidates(0, first, 0.88, 0.95, CancellationToken.NEVER));
		assertEquals(reference.candidates(0, second, 0.88, 0.95, CancellationToken.NEVER), remembered.candidates(0, second, 0.88, 0.95, CancellationToken.NEVER));
		assertEquals(List.of("0:3,4", "0:10,10", "0:12,8", "0:21,7", "0:22,20"), model.decoded, "each click decoded once");
		// another frame is another answer; other bars go to the model
		assertEquals(reference.candidates(1, first, 0.88, 0.95, CancellationToken.NEVER), remembered.candidates(1, first, 0.88, 0.95, CancellationToken.NEVER));
		assertEquals(reference.candidates(0, first, 0.5, 0.5, CancellationToken.NEVER), remembered.candidates(0, first, 0.5, 0.5, CancellationToken.NEVER));
		assertEquals(11, remembered.decoded());
	}

	@Test
	void beyondTheBudgetAFrameIsDecodedAgainWithTheSameAnswer() {
		SquareModel model = new SquareModel(), reference = new SquareModel();
		RememberedClicks remembered = new RememberedClicks(model, W, H, 0.88, 0.95, 0);
		List<PointPrompt> some = clicks(3, 4, 12, 8);
		for (int frame : new int[] { 0, 1, 0 })
			assertEquals(reference.candidates(frame, some, 0.88, 0.95, CancellationToken.NEVER), remembered.candidates(frame, some, 0.88, 0.95, CancellationToken.NEVER));
		assertEquals(List.of("0:3,4", "0:12,8", "1:3,4", "1:12,8", "0:3,4", "0:12,8"), model.decoded, "frame 0 forgotten once frame 1 was searched");
		// the frame in hand is kept even over the budget: searched again at once, nothing decoded
		remembered.candidates(0, some, 0.88, 0.95, CancellationToken.NEVER);
		assertEquals(6, model.decoded.size());
	}
}
