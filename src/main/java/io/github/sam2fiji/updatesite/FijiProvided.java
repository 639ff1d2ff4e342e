package io.github.sam2fiji.updatesite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The libraries Fiji already ships, taken as the artifacts pom-scijava manages (its
 * dependencyManagement): Fiji is built from that bill of materials, so an update site that ships one
 * of them would put a second copy of a library beside Fiji's own, the classic cause of a broken Fiji.
 */
public final class FijiProvided {

	private final Set<String> artifactIds;

	private FijiProvided(Set<String> artifactIds) {
		this.artifactIds = Set.copyOf(artifactIds);
	}

	public static FijiProvided of(Set<String> artifactIds) {
		return new FijiProvided(artifactIds);
	}

	/** The managed artifacts of a pom-scijava POM file (e.g. the local repository's pom-scijava-45.0.0.pom). */
	public static FijiProvided fromPomScijava(Path pom) throws IOException {
		Document doc;
		try (InputStream in = Files.newInputStream(pom)) {
			DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
			factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
			doc = factory.newDocumentBuilder().parse(in);
		}
		catch (ParserConfigurationException | SAXException e) {
			throw new IOException("Cannot read " + pom + " as a POM: " + e.getMessage(), e);
		}
		Set<String> ids = new TreeSet<>();
		NodeList managements = doc.getDocumentElement().getElementsByTagName("dependencyManagement");
		for (int m = 0; m < managements.getLength(); m++) {
			NodeList deps = ((Element) managements.item(m)).getElementsByTagName("dependency");
			for (int i = 0; i < deps.getLength(); i++) {
				NodeList children = deps.item(i).getChildNodes();
				for (int c = 0; c < children.getLength(); c++) {
					Node n = children.item(c);
					if (n instanceof Element e && e.getTagName().equals("artifactId")) ids.add(e.getTextContent().trim());
				}
			}
		}
		if (ids.isEmpty()) throw new IOException(pom + " manages no artifacts: not pom-scijava?");
		return new FijiProvided(ids);
	}

	/** Whether Fiji ships the library with this Maven artifactId. */
	public boolean provides(String artifactId) {
		return artifactIds.contains(artifactId);
	}

	public int size() {
		return artifactIds.size();
	}
}
