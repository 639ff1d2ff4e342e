package io.github.sam2fiji.core.annotate;

/**
 * What an {@link Annotator} is doing: its activity, progress within it (frames of a propagation,
 * calls of a replay; 0 of 0 when it has no steps), and a short line for the user.
 */
public record AnnotatorStatus(Activity activity, long done, long total, String message) {

	public enum Activity {
		/** The model is loading; prompts wait for it. */
		LOADING,
		/** A frame's image embedding is being computed, so the next prompt there decodes at once. */
		ENCODING,
		/** A prompt is being decoded. */
		SEGMENTING,
		PROPAGATING,
		/** The session's calls are made again on a newly loaded model. */
		REPLAYING,
		/** Ready for the next prompt. */
		IDLE
	}

	public boolean busy() {
		return activity != Activity.IDLE;
	}

	static AnnotatorStatus idle(String message) {
		return new AnnotatorStatus(Activity.IDLE, 0, 0, message);
	}

	static AnnotatorStatus of(Activity activity, String message) {
		return new AnnotatorStatus(activity, 0, 0, message);
	}
}
