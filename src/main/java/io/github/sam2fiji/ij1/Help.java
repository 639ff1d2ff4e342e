package io.github.sam2fiji.ij1;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The dialogs' Help page (ImageJ shows HTML given to GenericDialog.addHelp in its own window; nothing is fetched). */
final class Help {

	private static final String PAGE = "/io/github/sam2fiji/ij1/help.html";

	private Help() {}

	/** The page, with the part for Track or for Segment. */
	static String html(boolean segment) {
		try (InputStream in = Help.class.getResourceAsStream(PAGE)) {
			if (in == null) throw new IllegalStateException("The plugin jar lacks " + PAGE);
			String page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			// the page holds both commands' parts; the other command's is cut out
			String cut = segment ? "track" : "segment";
			return page.replaceAll("(?s)<!-- " + cut + " -->.*?<!-- /" + cut + " -->", "");
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
