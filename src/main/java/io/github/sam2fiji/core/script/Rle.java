package io.github.sam2fiji.core.script;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.github.sam2fiji.core.image.BinaryMask;

/**
 * Masks as COCO's uncompressed run-length code, {@code {"size": [height, width], "counts": [...]}}:
 * run lengths over the pixels in column-major order (down the first column, then the next),
 * alternating background and foreground, starting with background (possibly 0). The format SAM's
 * own tools read and write.
 */
final class Rle {

	private Rle() {}

	static JsonObject encode(BinaryMask mask) {
		int w = mask.width(), h = mask.height();
		JsonArray counts = new JsonArray();
		boolean current = false;
		long run = 0;
		for (int x = 0; x < w; x++)
			for (int y = 0; y < h; y++) {
				boolean v = mask.get(x, y);
				if (v != current) {
					counts.add(run);
					run = 0;
					current = v;
				}
				run++;
			}
		counts.add(run);
		JsonObject o = new JsonObject();
		JsonArray size = new JsonArray();
		size.add(h);
		size.add(w);
		o.add("size", size);
		o.add("counts", counts);
		return o;
	}

	static BinaryMask decode(JsonObject o) {
		JsonArray size = o.getAsJsonArray("size");
		if (size == null || size.size() != 2) throw new IllegalArgumentException("a mask needs \"size\": [height, width]");
		int h = size.get(0).getAsInt(), w = size.get(1).getAsInt();
		if (h < 1 || w < 1) throw new IllegalArgumentException("mask size " + size + " is empty");
		JsonElement c = o.get("counts");
		if (c == null || !c.isJsonArray())
			throw new IllegalArgumentException("a mask needs \"counts\": a list of run lengths (COCO's uncompressed run-length code; the compressed string form is not read)");
		long pixels = (long) w * h;
		byte[] bits = new byte[(int) Math.min(pixels, Integer.MAX_VALUE)];
		long at = 0;
		boolean value = false;
		for (JsonElement e : c.getAsJsonArray()) {
			long run = e.getAsLong();
			if (run < 0 || at + run > pixels) throw new IllegalArgumentException("mask run lengths add up to more than " + h + " x " + w + " pixels");
			if (value)
				for (long i = at; i < at + run; i++) bits[(int) ((i % h) * w + i / h)] = 1;
			at += run;
			value = !value;
		}
		if (at != pixels) throw new IllegalArgumentException("mask run lengths add up to " + at + " pixels, the size " + h + " x " + w + " has " + pixels);
		return BinaryMask.of(w, h, bits);
	}
}
