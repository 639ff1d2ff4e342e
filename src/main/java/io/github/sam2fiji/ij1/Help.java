package io.github.sam2fiji.ij1;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The dialogs' Help page (ImageJ shows HTML given to GenericDialog.addHelp in its own window; nothing is fetched). */
final class Help {

	private static final String PAGE = "/io/github/sam2fiji/ij1/help.html";

	private Help() {}

	/**
	 * The page for one command ("track", "segment" or "auto"): parts marked
	 * {@code <!-- track auto -->...<!-- /track auto -->} are kept only for the commands they name.
	 */
	static String html(String command) {
		try (InputStream in = Help.class.getResourceAsStream(PAGE)) {
			if (in == null) throw new IllegalStateException("The plugin jar lacks " + PAGE);
			String page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?s)<!-- ([a-z ]+) -->(.*?)<!-- /\\1 -->").matcher(page);
			StringBuilder out = new StringBuilder();
			while (m.find())
				m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(java.util.List.of(m.group(1).split(" ")).contains(command) ? m.group(2) : ""));
			m.appendTail(out);
			return out.toString();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
