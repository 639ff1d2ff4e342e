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

	/** One line for users: model name and kind, execution provider (e.g. "CUDA" or "CPU, 2 threads"). */
	String describe();

	@Override
	void close();
}
