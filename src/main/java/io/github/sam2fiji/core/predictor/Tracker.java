package io.github.sam2fiji.core.predictor;

import io.github.sam2fiji.core.image.FrameSource;

/**
 * A loaded model that segments and tracks prompted objects through a sequence of frames. One
 * implementation per model interface (SAM 2 packages, SAM 1 interface image models), chosen by the
 * model package; callers see only this interface. A tracker holds the ONNX sessions and is
 * thread-confined; its state per sequence lives in the {@link TrackingSession}s it creates.
 */
public interface Tracker extends AutoCloseable {

	/** An interactive session with the package's settings ({@link SessionOptions#interactive()}). */
	default TrackingSession newSession(FrameSource frames) {
		return newSession(frames, SessionOptions.interactive());
	}

	/**
	 * Starts a session over {@code frames}; frames are read lazily as propagation needs them.
	 *
	 * @throws IllegalArgumentException if the model cannot honour an option (named in the message)
	 */
	TrackingSession newSession(FrameSource frames, SessionOptions options);

	/**
	 * Image mode on {@code frames}: single clicks decoded each on its own, every candidate mask
	 * returned (automatic masklets).
	 *
	 * @throws UnsupportedOperationException when the model interface has no image mode
	 */
	default ClickCandidates clickCandidates(FrameSource frames) {
		throw new UnsupportedOperationException(describe() + " has no image mode: automatic masklets need a SAM 1 interface or SAM 2 model");
	}

	/**
	 * A session on frames whose encodings the caller shares with its other sessions and searches on
	 * the sequence ({@link #encodings}): an automatic run's rounds encode each frame once. The same
	 * results as {@link #newSession(FrameSource, SessionOptions)} on {@code encodings.frames()}.
	 *
	 * @throws IllegalArgumentException for encodings another tracker made
	 */
	default TrackingSession newSession(FrameEncodings<?> encodings, SessionOptions options) {
		return newSession(encodings.frames(), options);
	}

	/** Image mode on shared encodings ({@link #encodings}); the same results as {@link #clickCandidates(FrameSource)}. */
	default ClickCandidates clickCandidates(FrameEncodings<?> encodings) {
		return clickCandidates(encodings.frames());
	}

	/**
	 * The frames' image encodings, kept within {@code budgetBytes} of RAM (at least what one session
	 * needs at once), for sharing among this tracker's sessions and searches on {@code frames}. A
	 * tracker without an image encoder of its own shares nothing: its sessions ignore these.
	 */
	default FrameEncodings<?> encodings(FrameSource frames, long budgetBytes) {
		return new FrameEncodings<Object>(this, frames, 0, 1, e -> 0, f -> {
			throw new UnsupportedOperationException(describe() + " has no image encodings to share");
		});
	}

	/** One line for users: model name and kind, execution provider (e.g. "CUDA" or "CPU, 2 threads"). */
	String describe();

	@Override
	void close();
}
