package io.github.sam2fiji.updatesite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.scijava.util.FileUtils;

import io.github.sam2fiji.core.io.AtomicOutputs;
import io.github.sam2fiji.updatesite.UpdateSiteIndex.Dependency;
import io.github.sam2fiji.updatesite.UpdateSiteIndex.FileRecord;
import io.github.sam2fiji.updatesite.UpdateSiteIndex.PreviousVersion;
import io.github.sam2fiji.updatesite.UpdateSiteIndex.Version;

/**
 * Builds or updates the folder an ImageJ update site serves: each shipped file's bytes at
 * {@code <fiji path>-<timestamp>} and the index db.xml.gz. A release over an existing site keeps the
 * site's history as the ImageJ updater expects it: an unchanged file keeps its version (no new
 * upload, users are not asked to update), a changed one gets a new version and its old one becomes
 * a previous version, a versioned jar whose version changed (foo-1.0.jar to foo-1.1.jar) continues
 * the same record under its new name, and a file no longer shipped keeps its record with no current
 * version, so users' updaters offer to remove it. Served files of earlier versions stay in the folder.
 * The index is written last and atomically: a site being rebuilt serves the old index until then.
 */
public final class UpdateSiteBuilder {

	/** A file to ship: where it goes in Fiji, where it is now, and what it is (shown by the updater). */
	public record ShippedFile(String fijiPath, Path source, String description) {
		public ShippedFile {
			if (fijiPath.startsWith("/") || fijiPath.contains("\\") || fijiPath.contains("..") || fijiPath.isBlank())
				throw new IllegalArgumentException("Not a Fiji-relative path: " + fijiPath);
		}
	}

	/** What a build did, file by file. */
	public record Report(List<String> added, List<String> updated, List<String> unchanged, List<String> obsoleted) {}

	private UpdateSiteBuilder() {}

	/**
	 * Ships {@code files} from {@code site}; {@code dependencies} maps a shipped file to the shipped
	 * files it needs (the plugin jar to its libraries), and {@code timestamp} (yyyyMMddHHmmss) dates
	 * every new version.
	 */
	public static Report build(Path site, List<ShippedFile> files, Map<String, List<String>> dependencies, long timestamp) throws IOException {
		checkTimestamp(timestamp);
		Files.createDirectories(site);
		UpdateSiteIndex old = UpdateSiteIndex.readSite(site);
		Map<String, FileRecord> oldByBase = new HashMap<>();
		for (FileRecord r : old.records())
			oldByBase.put(FileUtils.stripFilenameVersion(r.filename()), r);

		// checksums first, so that dependencies can name the timestamp their target ends up with
		Map<String, String> checksums = new LinkedHashMap<>();
		Map<String, ShippedFile> byPath = new LinkedHashMap<>();
		for (ShippedFile f : files) {
			if (byPath.put(f.fijiPath(), f) != null) throw new IllegalArgumentException("Shipped twice: " + f.fijiPath());
			if (!Files.isRegularFile(f.source())) throw new IOException("Not a file: " + f.source() + " (for " + f.fijiPath() + ")");
			checksums.put(f.fijiPath(), UpdaterChecksum.of(f.fijiPath(), f.source()));
		}
		for (Map.Entry<String, List<String>> e : dependencies.entrySet())
			for (String d : e.getValue())
				if (!byPath.containsKey(d)) throw new IllegalArgumentException(e.getKey() + " depends on " + d + ", which is not shipped");
		Map<String, Long> versionTimestamps = new HashMap<>();
		java.util.Set<String> unchangedPaths = new java.util.HashSet<>();
		for (ShippedFile f : files) {
			FileRecord before = oldByBase.get(FileUtils.stripFilenameVersion(f.fijiPath()));
			boolean same = before != null && before.filename().equals(f.fijiPath()) && before.current().isPresent()
				&& before.current().get().checksum().equals(checksums.get(f.fijiPath()));
			versionTimestamps.put(f.fijiPath(), same ? before.current().get().timestamp() : timestamp);
			if (same) unchangedPaths.add(f.fijiPath());
		}

		List<FileRecord> records = new ArrayList<>();
		List<String> added = new ArrayList<>(), updated = new ArrayList<>(), unchanged = new ArrayList<>(), obsoleted = new ArrayList<>();
		for (ShippedFile f : files) {
			String base = FileUtils.stripFilenameVersion(f.fijiPath());
			FileRecord before = oldByBase.remove(base);
			List<Dependency> deps = new ArrayList<>();
			for (String d : dependencies.getOrDefault(f.fijiPath(), List.of()))
				deps.add(new Dependency(d, versionTimestamps.get(d)));
			long ts = versionTimestamps.get(f.fijiPath());
			Version version = new Version(checksums.get(f.fijiPath()), ts, Files.size(f.source()), f.description(), deps);
			List<PreviousVersion> previous = new ArrayList<>(before == null ? List.of() : before.previous());
			boolean same = unchangedPaths.contains(f.fijiPath());
			if (before != null && !same && before.current().isPresent()) {
				Version was = before.current().get();
				previous.add(0, new PreviousVersion(was.checksum(), was.timestamp(), timestamp,
					before.filename().equals(f.fijiPath()) ? null : before.filename()));
			}
			Path served = site.resolve(f.fijiPath() + "-" + ts);
			if (!same || !Files.isRegularFile(served)) copy(f.source(), served);
			records.add(new FileRecord(f.fijiPath(), Optional.of(version), previous));
			(before == null ? added : same ? unchanged : updated).add(f.fijiPath());
		}
		for (FileRecord gone : oldByBase.values()) {
			List<PreviousVersion> previous = new ArrayList<>(gone.previous());
			if (gone.current().isPresent()) {
				Version was = gone.current().get();
				previous.add(0, new PreviousVersion(was.checksum(), was.timestamp(), timestamp, null));
				obsoleted.add(gone.filename());
			}
			records.add(new FileRecord(gone.filename(), Optional.empty(), previous));
		}
		new UpdateSiteIndex(records).writeSite(site);
		return new Report(added, updated, unchanged, obsoleted);
	}

	private static void copy(Path from, Path to) throws IOException {
		AtomicOutputs.writeFile(to, temp -> Files.copy(from, temp, java.nio.file.StandardCopyOption.REPLACE_EXISTING));
	}

	/** The updater's timestamps are yyyyMMddHHmmss as a number. */
	static void checkTimestamp(long timestamp) {
		String t = Long.toString(timestamp);
		if (t.length() != 14) throw new IllegalArgumentException("A timestamp is yyyyMMddHHmmss (14 digits), not " + timestamp);
		try {
			java.time.LocalDateTime.parse(t, java.time.format.DateTimeFormatter.ofPattern("uuuuMMddHHmmss")
				.withResolverStyle(java.time.format.ResolverStyle.STRICT));
		}
		catch (java.time.format.DateTimeParseException e) {
			throw new IllegalArgumentException("Not a date and time (yyyyMMddHHmmss): " + timestamp);
		}
	}
}
