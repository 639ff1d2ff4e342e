package io.github.sam2fiji.core.annotate;

/**
 * What an {@link Annotator} tells its user interface. Called on the annotator's worker thread: a
 * user interface hands the work to its own thread (e.g. AWT's event queue) and reads the state
 * there ({@link Annotator#shown}, {@link Annotator#objects}).
 */
public interface AnnotationListener {

	/** The frame shows a new result (after a prompt, an undo, a removal, or during a propagation). */
	void frameChanged(int frame);

	/** The objects, the current object, or their prompts changed. */
	void objectsChanged();

	/** What the annotator is doing now. */
	void status(AnnotatorStatus status);

	/** A call failed; one line for the user. What the annotator shows is what the session holds. */
	void failed(String message);

	/** A listener that ignores everything. */
	AnnotationListener NONE = new AnnotationListener() {
		@Override
		public void frameChanged(int frame) {}

		@Override
		public void objectsChanged() {}

		@Override
		public void status(AnnotatorStatus status) {}

		@Override
		public void failed(String message) {}
	};
}
