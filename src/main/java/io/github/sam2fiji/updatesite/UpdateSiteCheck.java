package io.github.sam2fiji.updatesite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.scijava.util.FileUtils;

import io.github.sam2fiji.core.io.AtomicOutputs;
import io.github.sam2fiji.updatesite.UpdateSiteIndex.Dependency;
import io.github.sam2fiji.updatesite.UpdateSiteIndex.FileRecord;
import io.github.sam2fiji.updatesite.UpdateSiteIndex.Version;

/**
 * What a user's updater will find on a site folder, checked before it is published, and the install
 * the updater would make from it.
 */
public final class UpdateSiteCheck {

	private UpdateSiteCheck() {}

	/**
	 * The problems of the site in {@code site}, one line each; empty when it is sound: every current
	 * version is served at {@code <file>-<timestamp>} with the recorded size and updater checksum,
	 * every dependency names a file the site serves at that timestamp or later, and no jar is a
	 * library Fiji already ships.
	 */
	public static List<String> problems(Path site, FijiProvided fiji) throws IOException {
		List<String> problems = new ArrayList<>();
		UpdateSiteIndex index = UpdateSiteIndex.readSite(site);
		if (!Files.exists(site.resolve(UpdateSiteIndex.FILE_NAME))) problems.add("no " + UpdateSiteIndex.FILE_NAME + " in " + site);
		for (FileRecord r : index.records()) {
			if (r.current().isEmpty()) continue;
			Version v = r.current().get();
			Path served = site.resolve(r.servedAs().orElseThrow());
			if (!Files.isRegularFile(served)) {
				problems.add(r.filename() + ": " + site.relativize(served) + " is missing");
				continue;
			}
			if (Files.size(served) != v.filesize())
				problems.add(r.filename() + ": " + Files.size(served) + " bytes served, " + v.filesize() + " recorded");
			String checksum = UpdaterChecksum.of(r.filename(), served);
			if (!checksum.equals(v.checksum())) problems.add(r.filename() + ": checksum " + checksum + " served, " + v.checksum() + " recorded");
			for (Dependency d : v.dependencies()) {
				Optional<Version> target = index.record(d.filename()).flatMap(FileRecord::current);
				if (target.isEmpty()) problems.add(r.filename() + ": depends on " + d.filename() + ", which the site does not serve");
				else if (target.get().timestamp() < d.timestamp())
					problems.add(r.filename() + ": needs " + d.filename() + " of " + d.timestamp() + " or later, the site serves " + target.get().timestamp());
			}
			if (r.filename().endsWith(".jar")) {
				String artifact = artifactOf(r.filename());
				if (fiji.provides(artifact)) problems.add(r.filename() + ": Fiji already ships " + artifact + " (pom-scijava manages it); a second copy breaks Fiji");
			}
		}
		return problems;
	}

	/** "jars/onnxruntime-1.20.0.jar" to "onnxruntime": the file name without folder, version and extension. */
	static String artifactOf(String jarPath) {
		String unversioned = FileUtils.stripFilenameVersion(jarPath);
		String name = unversioned.substring(unversioned.lastIndexOf('/') + 1);
		return name.substring(0, name.length() - ".jar".length());
	}

	/**
	 * Installs the site's current files into {@code fiji} as the updater does (each served version
	 * copied to its file name), returning the installed paths.
	 */
	public static List<String> install(Path site, Path fiji) throws IOException {
		List<String> installed = new ArrayList<>();
		for (FileRecord r : UpdateSiteIndex.readSite(site).records()) {
			if (r.current().isEmpty()) continue;
			Path from = site.resolve(r.servedAs().orElseThrow());
			AtomicOutputs.writeFile(fiji.resolve(r.filename()), temp -> Files.copy(from, temp, java.nio.file.StandardCopyOption.REPLACE_EXISTING));
			installed.add(r.filename());
		}
		return installed;
	}
}
