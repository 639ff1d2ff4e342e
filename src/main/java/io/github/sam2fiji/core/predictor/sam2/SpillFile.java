package io.github.sam2fiji.core.predictor.sam2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * A temporary file of fixed-size slots: arrays written to a free slot and read back by slot number.
 * Freed slots are reused, so the file grows only to the most slots in use at once. The file is
 * unlinked as soon as it is open where the system allows it (nothing is left behind even if the
 * process is killed), else deleted when closed.
 */
final class SpillFile implements AutoCloseable {

	private final FileChannel channel;
	private final Path path;
	private final int slotBytes;
	private final BitSet used = new BitSet();
	private int slotsHighWater;

	SpillFile(Path folder, int slotBytes) {
		this.slotBytes = slotBytes;
		try {
			Path dir = folder != null ? folder : Path.of(System.getProperty("java.io.tmpdir"));
			path = Files.createTempFile(dir, "sam2fiji-session-", ".spill");
			channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot create a spill file for the tracking session in " + folder + ": " + e.getMessage(), e);
		}
		try {
			Files.deleteIfExists(path);
		}
		catch (IOException e) {
			// a system that cannot unlink an open file: DELETE_ON_CLOSE removes it at close
		}
	}

	/** Writes {@code data} (at most one slot, from its position to its limit) to a free slot; returns the slot. */
	int write(ByteBuffer data) {
		int slot = used.nextClearBit(0);
		try {
			long at = (long) slot * slotBytes;
			while (data.hasRemaining()) at += channel.write(data, at);
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot write to the tracking session's spill file (disk full?): " + e.getMessage(), e);
		}
		used.set(slot);
		slotsHighWater = Math.max(slotsHighWater, slot + 1);
		return slot;
	}

	/** Fills {@code into} (from its position to its limit) from a slot. */
	void read(int slot, ByteBuffer into) {
		if (!used.get(slot)) throw new IllegalStateException("Spill slot " + slot + " is not in use");
		try {
			long at = (long) slot * slotBytes;
			while (into.hasRemaining()) {
				int n = channel.read(into, at);
				if (n < 0) throw new IOException("unexpected end of file at slot " + slot);
				at += n;
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot read the tracking session's spill file: " + e.getMessage(), e);
		}
	}

	void free(int slot) {
		used.clear(slot);
	}

	/** Bytes of slots in use now. */
	long bytesInUse() {
		return (long) used.cardinality() * slotBytes;
	}

	/** The file's size: the most slots ever in use at once. */
	long fileBytes() {
		return (long) slotsHighWater * slotBytes;
	}

	@Override
	public void close() {
		try {
			channel.close();
			Files.deleteIfExists(path);
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot remove the spill file " + path + ": " + e.getMessage(), e);
		}
	}
}
