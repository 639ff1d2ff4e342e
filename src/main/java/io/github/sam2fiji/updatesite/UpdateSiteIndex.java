package io.github.sam2fiji.updatesite;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import io.github.sam2fiji.core.io.AtomicOutputs;

/**
 * An update site's index, {@value #FILE_NAME}: one record per file the site serves or once served,
 * in the ImageJ updater's format (its XMLFileWriter/XMLFileReader; the DTD below is the updater's).
 * A record has the file's Fiji-relative name, its current version (checksum, timestamp, size,
 * description, dependencies) or none when the file is obsolete (users' updaters then offer to
 * remove it), and its previous versions, by which the updater recognises an older installed copy as
 * "update available" instead of "locally modified". The site serves each version's bytes at
 * {@code <filename>-<timestamp>}.
 */
public final class UpdateSiteIndex {

	public static final String FILE_NAME = "db.xml.gz";

	/** The updater's document type for db.xml.gz, written as it writes it. */
	private static final String DTD = "<!DOCTYPE pluginRecords [\n"
		+ "<!ELEMENT pluginRecords ((update-site | disabled-update-site)*, plugin*)>\n"
		+ "<!ELEMENT update-site EMPTY>\n"
		+ "<!ELEMENT disabled-update-site EMPTY>\n"
		+ "<!ELEMENT plugin (platform*, category*, version?, previous-version*)>\n"
		+ "<!ELEMENT version (description?, dependency*, link*, author*)>\n"
		+ "<!ELEMENT previous-version EMPTY>\n"
		+ "<!ELEMENT description (#PCDATA)>\n"
		+ "<!ELEMENT dependency EMPTY>\n"
		+ "<!ELEMENT link (#PCDATA)>\n"
		+ "<!ELEMENT author (#PCDATA)>\n"
		+ "<!ELEMENT platform (#PCDATA)>\n"
		+ "<!ELEMENT category (#PCDATA)>\n"
		+ "<!ATTLIST update-site name CDATA #REQUIRED>\n"
		+ "<!ATTLIST update-site url CDATA #REQUIRED>\n"
		+ "<!ATTLIST update-site ssh-host CDATA #IMPLIED>\n"
		+ "<!ATTLIST update-site upload-directory CDATA #IMPLIED>\n"
		+ "<!ATTLIST update-site description CDATA #IMPLIED>\n"
		+ "<!ATTLIST update-site maintainer CDATA #IMPLIED>\n"
		+ "<!ATTLIST update-site timestamp CDATA #REQUIRED>\n"
		+ "<!ATTLIST disabled-update-site name CDATA #REQUIRED>\n"
		+ "<!ATTLIST disabled-update-site url CDATA #REQUIRED>\n"
		+ "<!ATTLIST disabled-update-site ssh-host CDATA #IMPLIED>\n"
		+ "<!ATTLIST disabled-update-site upload-directory CDATA #IMPLIED>\n"
		+ "<!ATTLIST disabled-update-site description CDATA #IMPLIED>\n"
		+ "<!ATTLIST disabled-update-site maintainer CDATA #IMPLIED>\n"
		+ "<!ATTLIST disabled-update-site timestamp CDATA #REQUIRED>\n"
		+ "<!ATTLIST plugin update-site CDATA #IMPLIED>\n"
		+ "<!ATTLIST plugin filename CDATA #REQUIRED>\n"
		+ "<!ATTLIST plugin executable CDATA #IMPLIED>\n"
		+ "<!ATTLIST dependency filename CDATA #REQUIRED>\n"
		+ "<!ATTLIST dependency timestamp CDATA #IMPLIED>\n"
		+ "<!ATTLIST dependency overrides CDATA #IMPLIED>\n"
		+ "<!ATTLIST version timestamp CDATA #REQUIRED>\n"
		+ "<!ATTLIST version checksum CDATA #REQUIRED>\n"
		+ "<!ATTLIST version filesize CDATA #REQUIRED>\n"
		+ "<!ATTLIST previous-version filename CDATA #IMPLIED>\n"
		+ "<!ATTLIST previous-version timestamp CDATA #REQUIRED>\n"
		+ "<!ATTLIST previous-version timestamp-obsolete CDATA #IMPLIED>\n"
		+ "<!ATTLIST previous-version checksum CDATA #REQUIRED>]>\n";

	/** A dependency of a version: another file (of this site or another) and the timestamp it needs at least. */
	public record Dependency(String filename, long timestamp) {}

	/** The version a site serves now. Timestamps are the updater's yyyyMMddHHmmss numbers, not epochs. */
	public record Version(String checksum, long timestamp, long filesize, String description, List<Dependency> dependencies) {
		public Version {
			dependencies = List.copyOf(dependencies);
		}
	}

	/** A version the site served before; {@code timestampObsolete} is when it stopped being current (0: unknown). */
	public record PreviousVersion(String checksum, long timestamp, long timestampObsolete, String filename) {}

	/** One file: {@code current} is empty when the site no longer ships it. */
	public record FileRecord(String filename, Optional<Version> current, List<PreviousVersion> previous) {
		public FileRecord {
			previous = List.copyOf(previous);
		}

		/** Where the site serves the current version, relative to the site's root. */
		public Optional<String> servedAs() {
			return current.map(v -> filename + "-" + v.timestamp());
		}
	}

	private final Map<String, FileRecord> records;

	public UpdateSiteIndex(List<FileRecord> records) {
		Map<String, FileRecord> byName = new TreeMap<>();
		for (FileRecord r : records)
			if (byName.put(r.filename(), r) != null) throw new IllegalArgumentException("Two records for " + r.filename());
		this.records = byName;
	}

	/** The records, by file name. */
	public List<FileRecord> records() {
		return List.copyOf(records.values());
	}

	public Optional<FileRecord> record(String filename) {
		return Optional.ofNullable(records.get(filename));
	}

	/** The index of the site folder {@code site}, or an empty index when it has none yet. */
	public static UpdateSiteIndex readSite(Path site) throws IOException {
		Path db = site.resolve(FILE_NAME);
		if (!Files.exists(db)) return new UpdateSiteIndex(List.of());
		try (InputStream in = new GZIPInputStream(Files.newInputStream(db))) {
			return read(in);
		}
		catch (IOException | IllegalArgumentException e) {
			throw new IOException("Cannot read the update site index " + db + ": " + e.getMessage(), e);
		}
	}

	/** Reads the (uncompressed) XML. */
	public static UpdateSiteIndex read(InputStream xml) throws IOException {
		Document doc;
		try {
			DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
			// the DTD is internal; nothing is fetched from anywhere
			factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
			factory.setExpandEntityReferences(false);
			doc = factory.newDocumentBuilder().parse(xml);
		}
		catch (ParserConfigurationException | SAXException e) {
			throw new IOException("not an update site index: " + e.getMessage(), e);
		}
		Element root = doc.getDocumentElement();
		if (!"pluginRecords".equals(root.getTagName())) throw new IOException("not an update site index: root element " + root.getTagName());
		List<FileRecord> records = new ArrayList<>();
		for (Element plugin : children(root, "plugin")) {
			String filename = required(plugin, "filename");
			Optional<Version> current = Optional.empty();
			List<Element> versions = children(plugin, "version");
			if (versions.size() > 1) throw new IOException(filename + " has " + versions.size() + " current versions");
			if (!versions.isEmpty()) {
				Element v = versions.get(0);
				List<Dependency> deps = new ArrayList<>();
				for (Element d : children(v, "dependency"))
					deps.add(new Dependency(required(d, "filename"), number(d, "timestamp", 0)));
				List<Element> description = children(v, "description");
				current = Optional.of(new Version(required(v, "checksum"), number(v, "timestamp", -1), number(v, "filesize", -1),
					description.isEmpty() ? null : description.get(0).getTextContent(), deps));
			}
			List<PreviousVersion> previous = new ArrayList<>();
			for (Element p : children(plugin, "previous-version"))
				previous.add(new PreviousVersion(required(p, "checksum"), number(p, "timestamp", -1), number(p, "timestamp-obsolete", 0),
					p.hasAttribute("filename") ? p.getAttribute("filename") : null));
			records.add(new FileRecord(filename, current, previous));
		}
		return new UpdateSiteIndex(records);
	}

	/** Writes db.xml.gz into {@code site} atomically: a reader sees the old index or the new one. */
	public void writeSite(Path site) throws IOException {
		AtomicOutputs.writeFile(site.resolve(FILE_NAME), temp -> {
			try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(temp))) {
				write(out);
			}
		});
	}

	/** Writes the (uncompressed) XML, as the updater does: UTF-8, the DTD inline, records in file-name order. */
	public void write(OutputStream out) throws IOException {
		out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".getBytes(StandardCharsets.UTF_8));
		out.write(DTD.getBytes(StandardCharsets.UTF_8));
		try {
			XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
			xml.writeStartElement("pluginRecords");
			for (FileRecord r : records.values()) {
				xml.writeCharacters("\n    ");
				xml.writeStartElement("plugin");
				xml.writeAttribute("filename", r.filename());
				if (r.current().isPresent()) {
					Version v = r.current().get();
					xml.writeCharacters("\n        ");
					xml.writeStartElement("version");
					xml.writeAttribute("checksum", v.checksum());
					xml.writeAttribute("timestamp", Long.toString(v.timestamp()));
					xml.writeAttribute("filesize", Long.toString(v.filesize()));
					if (v.description() != null) {
						xml.writeCharacters("\n            ");
						xml.writeStartElement("description");
						xml.writeCharacters(v.description());
						xml.writeEndElement();
					}
					for (Dependency d : v.dependencies()) {
						xml.writeCharacters("\n            ");
						xml.writeEmptyElement("dependency");
						xml.writeAttribute("filename", d.filename());
						xml.writeAttribute("timestamp", Long.toString(d.timestamp()));
					}
					xml.writeCharacters("\n        ");
					xml.writeEndElement();
				}
				for (PreviousVersion p : r.previous()) {
					xml.writeCharacters("\n        ");
					xml.writeEmptyElement("previous-version");
					xml.writeAttribute("timestamp", Long.toString(p.timestamp()));
					if (p.timestampObsolete() != 0) xml.writeAttribute("timestamp-obsolete", Long.toString(p.timestampObsolete()));
					xml.writeAttribute("checksum", p.checksum());
					if (p.filename() != null) xml.writeAttribute("filename", p.filename());
				}
				xml.writeCharacters("\n    ");
				xml.writeEndElement();
			}
			xml.writeCharacters("\n");
			xml.writeEndElement();
			xml.writeCharacters("\n");
			xml.flush();
		}
		catch (XMLStreamException e) {
			throw new IOException("Cannot write the update site index: " + e.getMessage(), e);
		}
	}

	private static List<Element> children(Element parent, String tag) {
		List<Element> found = new ArrayList<>();
		NodeList nodes = parent.getChildNodes();
		for (int i = 0; i < nodes.getLength(); i++) {
			Node n = nodes.item(i);
			if (n instanceof Element e && e.getTagName().equals(tag)) found.add(e);
		}
		return found;
	}

	private static String required(Element e, String attribute) throws IOException {
		if (!e.hasAttribute(attribute)) throw new IOException("<" + e.getTagName() + "> without " + attribute);
		return e.getAttribute(attribute);
	}

	private static long number(Element e, String attribute, long absent) throws IOException {
		if (!e.hasAttribute(attribute)) {
			if (absent >= 0) return absent;
			throw new IOException("<" + e.getTagName() + "> without " + attribute);
		}
		try {
			return Long.parseLong(e.getAttribute(attribute));
		}
		catch (NumberFormatException x) {
			throw new IOException("<" + e.getTagName() + "> " + attribute + "=\"" + e.getAttribute(attribute) + "\" is not a number");
		}
	}
}
