package io.github.sam2fiji.core.predictor.sam1;

/**
 * What a tracking session needs of a SAM 1 interface model: the image encoder and the prompt/mask
 * decoder ({@link Sam1Networks} runs the ONNX graphs; tests of the session's rules may script the
 * decoder's answers instead).
 */
interface Sam1Model {

	/** Image embeddings of a preprocessed [3, L, L] input, flattened. */
	float[] encode(float[] input);

	/** The decoder's candidate masks for a prompt on an embedded frame. */
	MaskCandidates decode(float[] embedding, DecoderPrompt prompt, FrameGeometry geometry);
}
