package io.github.sam2fiji.core.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.github.sam2fiji.core.image.BinaryMask;
import io.github.sam2fiji.core.result.FrameResult;
import io.github.sam2fiji.core.result.ObjectResult;

/** Chains of what searches found, their confirmation, and tracks found again after a miss. */
class BirthsTest {

	private static final int W = 40, H = 30;

	/** A filled square of side {@code s} at (x, y). */
	private static BinaryMask square(int x, int y, int s) {
		byte[] bits = new byte[W * H];
		for (int yy = y; yy < y + s; yy++)
			for (int xx = x; xx < x + s; xx++) bits[yy * W + xx] = 1;
		return BinaryMask.of(W, H, bits);
	}

	@Test
	void masksAtTheSamePlaceOnConsecutiveSearchedFramesFormOneChainAndAGapBreaksIt() {
		SortedMap<Integer, List<BinaryMask>> found = new TreeMap<>();
		found.put(2, List.of(square(2, 2, 6), square(20, 20, 6)));
		found.put(3, List.of(square(21, 20, 6), square(3, 2, 6))); // both moved by one pixel, listed the other way round
		found.put(4, List.of(square(4, 2, 6)));
		found.put(6, List.of(square(5, 2, 6))); // frame 5 found nothing: a new chain
		List<Births.Chain> chains = Births.chains(found, 1);
		assertEquals(3, chains.size(), chains.toString());
		assertEquals(List.of(2, 3, 4), chains.get(0).frames());
		assertEquals(square(3, 2, 6), chains.get(0).masks().get(1), "linked by overlap, not by list order");
		assertEquals(List.of(2, 3), chains.get(1).frames());
		assertEquals(List.of(6), chains.get(2).frames());

		// searched every 2nd frame: frames 2, 4, 6 are consecutive searches
		found.remove(3);
		List<Births.Chain> everyOther = Births.chains(found, 2);
		assertEquals(List.of(2, 4, 6), everyOther.get(0).frames(), everyOther.toString());
	}

	@Test
	void aMaskTooFarFromTheLastOneStartsItsOwnChain() {
		SortedMap<Integer, List<BinaryMask>> found = new TreeMap<>();
		found.put(0, List.of(square(2, 2, 6)));
		found.put(1, List.of(square(6, 2, 6))); // IoU 2/10: below the link threshold
		assertEquals(2, Births.chains(found, 1).size());
	}

	@Test
	void aChainIsConfirmedOnMinFramesOrOnEveryFrameLeftAtTheEnd() {
		Births.Chain two = new Births.Chain(List.of(5, 6), List.of(square(1, 1, 4), square(1, 1, 4)));
		assertFalse(Births.confirmed(two, 3, 9, 1), "two frames of three, with frames left after it");
		assertTrue(Births.confirmed(two, 2, 9, 1));
		Births.Chain atTheEnd = new Births.Chain(List.of(8, 9), List.of(square(1, 1, 4), square(1, 1, 4)));
		assertTrue(Births.confirmed(atTheEnd, 3, 9, 1), "found on both frames that remain");
		Births.Chain gapBeforeTheEnd = new Births.Chain(List.of(7, 8), List.of(square(1, 1, 4), square(1, 1, 4)));
		assertFalse(Births.confirmed(gapBeforeTheEnd, 3, 9, 1), "gone on the last frame");
		Births.Chain sparse = new Births.Chain(List.of(6, 8), List.of(square(1, 1, 4), square(1, 1, 4)));
		assertTrue(Births.confirmed(sparse, 3, 8, 2), "every searched frame left (search every 2nd)");
	}

	@Test
	void aChainStartingWhereATrackWasLostTheFrameBeforeResumesIt() {
		BinaryMask was = square(10, 10, 8);
		List<FrameResult> results = List.of(
			new FrameResult(0, List.of(new ObjectResult(1, 0, was, 0.9f, 0.9f, true), new ObjectResult(2, 0, square(25, 5, 6), 0.9f, 0.9f, true))),
			new FrameResult(1, List.of(new ObjectResult(1, 1, BinaryMask.empty(W, H), -1f, 0f, false), new ObjectResult(2, 1, square(25, 5, 6), 0.9f, 0.9f, true))));
		Births.Chain here = new Births.Chain(List.of(1), List.of(square(11, 10, 8)));
		assertEquals(Optional.of(1), Births.resumed(results, here, Set.of(1, 2), Map.of(), Set.of(), 5));
		Births.Chain elsewhere = new Births.Chain(List.of(1), List.of(square(0, 22, 6)));
		assertEquals(Optional.empty(), Births.resumed(results, elsewhere, Set.of(1, 2), Map.of(), Set.of(), 5), "not where it was");
		assertEquals(Optional.empty(), Births.resumed(results, here, Set.of(1, 2), Map.of(), Set.of(1), 5), "its track has ended");
		Births.Chain fromStart = new Births.Chain(List.of(0), List.of(square(11, 10, 8)));
		assertEquals(Optional.empty(), Births.resumed(results, fromStart, Set.of(1, 2), Map.of(), Set.of(), 5), "nothing before frame 0");
		// object 2 is present on frame 1: a chain over it is not its continuation
		Births.Chain overPresent = new Births.Chain(List.of(1), List.of(square(25, 5, 6)));
		assertEquals(Optional.empty(), Births.resumed(results, overPresent, Set.of(1, 2), Map.of(), Set.of(), 5));
	}

	@Test
	void aTrackOnlyHeldOnTheChainsFirstFrameWasLostThereAndIsResumed() {
		// a SAM 1 interface model missed object 1 on frame 1 and shows a sliver of its last mask (object score 0)
		BinaryMask was = square(10, 10, 8);
		ObjectResult held = new ObjectResult(1, 1, square(10, 10, 2), 0f, 0.9f, true);
		List<FrameResult> results = List.of(new FrameResult(0, List.of(new ObjectResult(1, 0, was, 0.9f, 0.9f, true))), new FrameResult(1, List.of(held)));
		Births.Chain here = new Births.Chain(List.of(1), List.of(square(12, 10, 8)));
		assertEquals(Optional.of(1), Births.resumed(results, here, Set.of(1), Map.of(), Set.of(), 5));
		// found by the model there (score above 0): not lost, the chain is something else
		List<FrameResult> found = List.of(results.get(0), new FrameResult(1, List.of(new ObjectResult(1, 1, square(10, 10, 2), 0.7f, 0.9f, true))));
		assertEquals(Optional.empty(), Births.resumed(found, here, Set.of(1), Map.of(), Set.of(), 5));
		assertFalse(Births.foundThere(held));
		assertFalse(Births.foundThere(null));
	}

	@Test
	void aChainResumesATrackMissedForAFewFramesWhereItWasLastSeenWithinTheWindow() {
		// object 1 seen on frames 0 and 1 (moving right), absent on frames 2 to 4; a chain from frame 5 at its last place
		List<FrameResult> results = new java.util.ArrayList<>();
		for (int f = 0; f < 8; f++) {
			ObjectResult one = f < 2 ? new ObjectResult(1, f, square(10 + f, 10, 8), 0.9f, 0.9f, true) : new ObjectResult(1, f, BinaryMask.empty(W, H), 0f, 0.9f, false);
			results.add(new FrameResult(f, List.of(one, new ObjectResult(2, f, square(30, 2, 6), 0.9f, 0.9f, true))));
		}
		Births.Chain atLastPlace = new Births.Chain(List.of(5), List.of(square(13, 10, 8)));
		assertEquals(Optional.of(1), Births.resumed(results, atLastPlace, Set.of(1, 2), Map.of(), Set.of(), 5), "last seen on frame 1, 4 frames before");
		assertEquals(Optional.empty(), Births.resumed(results, atLastPlace, Set.of(1, 2), Map.of(), Set.of(), 3), "last seen further back than 3 frames");
		// judged by its last mask (frame 1, x 11-18), not an earlier one
		Births.Chain atFirstPlaceOnly = new Births.Chain(List.of(5), List.of(square(5, 10, 8)));
		assertEquals(Optional.empty(), Births.resumed(results, atFirstPlaceOnly, Set.of(1, 2), Map.of(), Set.of(), 5), "3/8 of it in frame 0's mask, 2/8 in frame 1's");
		// frames before an object's start are not its own (object 1 a daughter from frame 6: frame 1's mask was her mother's)
		Births.Chain later = new Births.Chain(List.of(7), List.of(square(12, 10, 8)));
		assertEquals(Optional.empty(), Births.resumed(results, later, Set.of(1, 2), Map.of(1, 6), Set.of(), 10));
	}
}
