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

	/** The search's bars: predicted IoU 0.88, stability 0.95, masks of 1 pixel to all of the 40 x 30 frame. */
	private static final AutomaticMasks.Settings BARS = new AutomaticMasks.Settings(8, 0.88, 0.95, 1, 1.0, 0.5);

	private static List<PointPrompt> clicks(int... xy) {
		List<PointPrompt> out = new ArrayList<>();
		for (int i = 0; i < xy.length; i += 2) out.add(new PointPrompt(xy[i], xy[i + 1], true));
		return out;
	}

	@Test
	void aFrameSearchedAgainDecodesOnlyNewClicksAndAnswersAsTheModel() {
		SquareModel model = new SquareModel(), reference = new SquareModel();
		RememberedClicks remembered = new RememberedClicks(model, W, H, BARS, 1 << 20);
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
	void beyondTheBudgetNewAnswersAreNotRememberedAndTheFirstFramesStay() {
		SquareModel model = new SquareModel(), reference = new SquareModel();
		List<PointPrompt> some = clicks(3, 4, 12, 8);
		RememberedClicks nothing = new RememberedClicks(model, W, H, BARS, 0);
		for (int frame : new int[] { 0, 0 })
			assertEquals(reference.candidates(frame, some, 0.88, 0.95, CancellationToken.NEVER), nothing.candidates(frame, some, 0.88, 0.95, CancellationToken.NEVER));
		assertEquals(List.of("0:3,4", "0:12,8", "0:3,4", "0:12,8"), model.decoded, "no budget: decoded every time");

		// a budget for one frame's answers (2 clicks x 64 bytes, 3 candidates x (64 + their runs) bytes):
		// rounds searching frames 0, 1, 2 in turn decode frame 0 once, 1 and 2 every round
		model.decoded.clear();
		RememberedClicks one = new RememberedClicks(model, W, H, BARS, 2 * 64 + 3 * (64 + 4 * 2 * 5));
		for (int round = 0; round < 2; round++)
			for (int frame = 0; frame < 3; frame++)
				assertEquals(reference.candidates(frame, some, 0.88, 0.95, CancellationToken.NEVER), one.candidates(frame, some, 0.88, 0.95, CancellationToken.NEVER));
		assertEquals(List.of("0:3,4", "0:12,8", "1:3,4", "1:12,8", "2:3,4", "2:12,8", "1:3,4", "1:12,8", "2:3,4", "2:12,8"), model.decoded);
	}

	@Test
	void onlyObjectSizedCandidatesAreRememberedAndReturned() {
		SquareModel model = new SquareModel();
		// masks of at most 10 % of the frame (120 pixels) and at least 10 pixels: the 3 x 3 squares are specks
		AutomaticMasks.Settings sized = new AutomaticMasks.Settings(8, 0.88, 0.95, 10, 0.1, 0.5);
		RememberedClicks remembered = new RememberedClicks(model, W, H, sized, 1 << 20);
		List<PointPrompt> some = clicks(3, 4, 12, 8);
		List<ClickCandidates.Candidate> all = new SquareModel().candidates(0, some, 0.88, 0.95, CancellationToken.NEVER);
		List<ClickCandidates.Candidate> objectSized = all.stream().filter(c -> c.mask().area() >= 10 && c.mask().area() <= 120).toList();
		assertEquals(3, all.size());
		assertEquals(1, objectSized.size(), "the 5 x 5 square only");
		assertEquals(objectSized, remembered.candidates(0, some, 0.88, 0.95, CancellationToken.NEVER));
		assertEquals(objectSized, remembered.candidates(0, some, 0.88, 0.95, CancellationToken.NEVER));
		assertEquals(2, model.decoded.size(), "decoded once");
	}
}
