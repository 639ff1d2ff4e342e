package io.github.sam2fiji.core.predictor.sam2;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The large arrays of a session's stored outputs (memories as bfloat16 bits, low-resolution mask
 * logits) within a RAM budget: the most recently used stay in RAM, the others are written to a
 * per-session temporary file ({@link SpillFile}) and read back, bit for bit, when needed. Results do
 * not depend on the budget. Arrays are immutable once stored: a changed output is stored anew and the
 * old array freed. Thread-confined, as its session.
 */
final class OutputStore implements AutoCloseable {

	/** One stored array: in RAM ({@code ram} set), in the spill file ({@code slot} >= 0), or both. */
	static final class Entry {
		private final boolean memory;
		private Object ram;
		private int slot = -1;
		private boolean freed;

		private Entry(boolean memory, Object ram) {
			this.memory = memory;
			this.ram = ram;
		}
	}

	private final long budgetBytes;
	private final Path spillFolder;
	private final int memoryLength, logitsLength;
	/** Entries with a RAM copy, least recently used first. */
	private final LinkedHashMap<Entry, Entry> inRam = new LinkedHashMap<>(64, 0.75f, true);
	private long ramBytes;
	private SpillFile memoryFile, logitsFile;
	private long spilled, readBack, ioNanos;

	/**
	 * @param memoryLength values of one memory (M x h x h)
	 * @param logitsLength values of one low-resolution logit map (L x L)
	 */
	OutputStore(long budgetBytes, Path spillFolder, int memoryLength, int logitsLength) {
		this.budgetBytes = budgetBytes;
		this.spillFolder = spillFolder;
		this.memoryLength = memoryLength;
		this.logitsLength = logitsLength;
	}

	Entry putMemory(short[] bf16) {
		if (bf16.length != memoryLength) throw new IllegalArgumentException("A memory has " + memoryLength + " values, got " + bf16.length);
		return keep(new Entry(true, bf16));
	}

	Entry putLogits(float[] logits) {
		if (logits.length != logitsLength) throw new IllegalArgumentException("Low-resolution logits have " + logitsLength + " values, got " + logits.length);
		return keep(new Entry(false, logits));
	}

	short[] memory(Entry e) {
		if (!e.memory) throw new IllegalArgumentException("Not a memory");
		return (short[]) load(e);
	}

	float[] logits(Entry e) {
		if (e.memory) throw new IllegalArgumentException("Not mask logits");
		return (float[]) load(e);
	}

	/** Forgets an entry (its RAM copy and its slot); null is ignored. */
	void free(Entry e) {
		if (e == null || e.freed) return;
		e.freed = true;
		if (e.ram != null) {
			inRam.remove(e);
			ramBytes -= bytes(e);
			e.ram = null;
		}
		if (e.slot >= 0) file(e).free(e.slot);
	}

	/** Bytes of arrays held in RAM now (at most the budget, plus one array larger than the budget). */
	long ramBytes() {
		return ramBytes;
	}

	/** Bytes of arrays in the spill files now. */
	long diskBytesInUse() {
		return (memoryFile == null ? 0 : memoryFile.bytesInUse()) + (logitsFile == null ? 0 : logitsFile.bytesInUse());
	}

	/** The spill files' size: the most bytes ever spilled at once. */
	long diskBytes() {
		return (memoryFile == null ? 0 : memoryFile.fileBytes()) + (logitsFile == null ? 0 : logitsFile.fileBytes());
	}

	/** Arrays written to disk and arrays read back from it so far, and the nanoseconds spent doing so. */
	long[] spillCounts() {
		return new long[] { spilled, readBack, ioNanos };
	}

	private Entry keep(Entry e) {
		inRam.put(e, e);
		ramBytes += bytes(e);
		evict();
		return e;
	}

	private Object load(Entry e) {
		if (e.freed) throw new IllegalStateException("A freed output was read");
		if (e.ram != null) {
			inRam.get(e); // most recently used now
			return e.ram;
		}
		long start = System.nanoTime();
		ByteBuffer bytes = ByteBuffer.allocate(bytes(e)).order(ByteOrder.LITTLE_ENDIAN);
		file(e).read(e.slot, bytes);
		bytes.flip();
		Object array;
		if (e.memory) {
			short[] values = new short[memoryLength];
			bytes.asShortBuffer().get(values);
			array = values;
		}
		else {
			float[] values = new float[logitsLength];
			bytes.asFloatBuffer().get(values);
			array = values;
		}
		readBack++;
		ioNanos += System.nanoTime() - start;
		e.ram = array;
		keep(e);
		return array;
	}

	/** Drops RAM copies, least recently used first, until the budget holds; writes each to disk once. */
	private void evict() {
		for (Iterator<Entry> it = inRam.keySet().iterator(); ramBytes > budgetBytes && it.hasNext();) {
			Entry e = it.next();
			if (e.slot < 0) {
				long start = System.nanoTime();
				ByteBuffer bytes = ByteBuffer.allocate(bytes(e)).order(ByteOrder.LITTLE_ENDIAN);
				if (e.memory) bytes.asShortBuffer().put((short[]) e.ram);
				else bytes.asFloatBuffer().put((float[]) e.ram);
				e.slot = file(e).write(bytes);
				spilled++;
				ioNanos += System.nanoTime() - start;
			}
			it.remove();
			ramBytes -= bytes(e);
			e.ram = null;
		}
	}

	private int bytes(Entry e) {
		return e.memory ? 2 * memoryLength : 4 * logitsLength;
	}

	private SpillFile file(Entry e) {
		if (e.memory) {
			if (memoryFile == null) memoryFile = new SpillFile(spillFolder, 2 * memoryLength);
			return memoryFile;
		}
		if (logitsFile == null) logitsFile = new SpillFile(spillFolder, 4 * logitsLength);
		return logitsFile;
	}

	@Override
	public void close() {
		inRam.clear();
		ramBytes = 0;
		try {
			if (memoryFile != null) memoryFile.close();
		}
		finally {
			if (logitsFile != null) logitsFile.close();
		}
	}
}
