package io.github.sam2fiji.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.sam2fiji.core.prompt.BoxPrompt;
import io.github.sam2fiji.core.prompt.ObjectPrompt;
import io.github.sam2fiji.core.prompt.PointPrompt;

/**
 * Prompt tables for the command line, comma-separated with a header line; frames are 0-based
 * positions along the propagation axis, coordinates in pixels (x right, y down):
 * <ul>
 * <li>points: {@code object_id,frame,x,y,label} (label 1 positive, 0 negative); the points of one
 * object on one frame form one prompt;</li>
 * <li>boxes: {@code object_id,frame,x0,y0,x1,y1}, one box per object and frame.</li>
 * </ul>
 * Empty lines and lines starting with # are skipped; a UTF-8 byte-order mark is allowed. Limits
 * (checked before any model is loaded): at most {@value #MAX_ROWS} rows per file and
 * {@value #MAX_POINTS_PER_PROMPT} clicks per object and frame (more is a mistake, not a prompt: SAM
 * was trained with a handful). Every error names the file and line.
 */
public final class PromptCsv {

	public static final String POINTS_HEADER = "object_id,frame,x,y,label";
	public static final String BOXES_HEADER = "object_id,frame,x0,y0,x1,y1";

	public static final int MAX_ROWS = 100_000, MAX_POINTS_PER_PROMPT = 1_000;

	private PromptCsv() {}

	/** Reads a points table and checks it against a {@code width} x {@code height} sequence of {@code frames} frames. */
	public static List<ObjectPrompt> readPoints(Path file, int width, int height, int frames) throws IOException {
		Map<List<Integer>, List<PointPrompt>> byObjectAndFrame = new LinkedHashMap<>();
		for (Row row : rows(file, POINTS_HEADER)) {
			int id = row.objectId(), frame = row.frame(frames);
			double x = row.number(2, "x"), y = row.number(3, "y");
			String label = row.cells[4];
			if (!label.equals("1") && !label.equals("0")) throw row.error("label must be 1 (positive) or 0 (negative), got '" + label + "'");
			row.checkInside(x, y, width, height);
			List<PointPrompt> points = byObjectAndFrame.computeIfAbsent(List.of(id, frame), k -> new ArrayList<>());
			if (points.size() == MAX_POINTS_PER_PROMPT)
				throw row.error("more than " + MAX_POINTS_PER_PROMPT + " clicks for object " + id + " on frame " + frame + ": give a few clicks, a box or a mask");
			points.add(new PointPrompt(x, y, label.equals("1")));
		}
		List<ObjectPrompt> prompts = new ArrayList<>();
		byObjectAndFrame.forEach((k, points) -> prompts.add(ObjectPrompt.points(k.get(0), k.get(1), points)));
		return prompts;
	}

	/** Reads a boxes table and checks it against a {@code width} x {@code height} sequence of {@code frames} frames. */
	public static List<ObjectPrompt> readBoxes(Path file, int width, int height, int frames) throws IOException {
		Map<List<Integer>, ObjectPrompt> byObjectAndFrame = new LinkedHashMap<>();
		for (Row row : rows(file, BOXES_HEADER)) {
			int id = row.objectId(), frame = row.frame(frames);
			double x0 = row.number(2, "x0"), y0 = row.number(3, "y0"), x1 = row.number(4, "x1"), y1 = row.number(5, "y1");
			if (x1 <= x0 || y1 <= y0) throw row.error("box needs x0 < x1 and y0 < y1, got (" + x0 + ", " + y0 + ")-(" + x1 + ", " + y1 + ")");
			if (x1 <= 0 || y1 <= 0 || x0 >= width || y0 >= height) throw row.error("box lies outside the " + width + " x " + height + " image");
			ObjectPrompt box = ObjectPrompt.box(id, frame, new BoxPrompt(Math.max(0, x0), Math.max(0, y0), Math.min(width, x1), Math.min(height, y1)));
			if (byObjectAndFrame.putIfAbsent(List.of(id, frame), box) != null) throw row.error("a second box for object " + id + " on frame " + frame + ": give one box per object and frame");
		}
		return new ArrayList<>(byObjectAndFrame.values());
	}

	private static List<Row> rows(Path file, String header) throws IOException {
		if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": no such file");
		List<String> lines;
		try {
			lines = Files.readAllLines(file, StandardCharsets.UTF_8);
		}
		catch (CharacterCodingException e) {
			throw new IllegalArgumentException(file + ": not UTF-8 text; save the table as UTF-8 (plain CSV)");
		}
		if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) lines.set(0, lines.get(0).substring(1));
		if (lines.size() > MAX_ROWS + 1) throw new IllegalArgumentException(file + ": " + lines.size() + " lines, at most " + MAX_ROWS + " prompt rows are accepted");
		List<Row> rows = new ArrayList<>();
		boolean headerSeen = false;
		int columns = header.split(",").length;
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i).strip();
			if (line.isEmpty() || line.startsWith("#")) continue;
			String[] cells = line.split(",", -1);
			for (int c = 0; c < cells.length; c++) cells[c] = cells[c].strip();
			Row row = new Row(file, i + 1, cells);
			if (!headerSeen) {
				if (!String.join(",", cells).toLowerCase(Locale.ROOT).equals(header)) throw row.error("expected the header line '" + header + "', got '" + line + "'");
				headerSeen = true;
				continue;
			}
			if (cells.length != columns) throw row.error("expected " + columns + " values (" + header + "), got " + cells.length);
			rows.add(row);
		}
		if (!headerSeen) throw new IllegalArgumentException(file + ": empty, expected the header line '" + header + "'");
		if (rows.isEmpty()) throw new IllegalArgumentException(file + ": no prompts after the header line");
		return rows;
	}

	private record Row(Path file, int line, String[] cells) {

		IllegalArgumentException error(String message) {
			return new IllegalArgumentException(file.getFileName() + " line " + line + ": " + message);
		}

		int integer(int column, String name) {
			try {
				return Integer.parseInt(cells[column]);
			}
			catch (NumberFormatException e) {
				throw error(name + " must be a whole number, got '" + cells[column] + "'");
			}
		}

		double number(int column, String name) {
			try {
				double v = Double.parseDouble(cells[column]);
				if (!Double.isFinite(v)) throw new NumberFormatException();
				return v;
			}
			catch (NumberFormatException e) {
				throw error(name + " must be a number, got '" + cells[column] + "'");
			}
		}

		int objectId() {
			int id = integer(0, "object_id");
			if (id < 1 || id > 65535) throw error("object_id must be 1 to 65535 (it becomes the label), got " + id);
			return id;
		}

		int frame(int frames) {
			int f = integer(1, "frame");
			if (f < 0 || f >= frames) throw error("frame " + f + " is outside the image's frames 0 to " + (frames - 1) + " (frames are 0-based)");
			return f;
		}

		void checkInside(double x, double y, int width, int height) {
			if (x < 0 || y < 0 || x >= width || y >= height) throw error("point (" + x + ", " + y + ") is outside the " + width + " x " + height + " image");
		}
	}
}
