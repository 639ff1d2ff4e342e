package io.github.sam2fiji.core.result;

import java.util.List;

/** All objects' results on one frame, in ascending object ID order. */
public record FrameResult(int frame, List<ObjectResult> objects) {

	public FrameResult {
		objects = List.copyOf(objects);
	}
}
