package io.github.sam2fiji.store.catalogue;

/**
 * An intermediate float tensor of an ONNX graph to expose as a graph output under a new name.
 *
 * @param tensor the tensor's name in the graph
 * @param as the output's name
 * @param shape the output's shape
 */
public record ExposedTensor(String tensor, String as, long[] shape) {

	public ExposedTensor {
		if (tensor == null || tensor.isEmpty() || as == null || as.isEmpty()) throw new IllegalArgumentException("An exposed tensor needs a tensor name and a new name");
		shape = shape.clone();
	}

	@Override
	public long[] shape() {
		return shape.clone();
	}
}
