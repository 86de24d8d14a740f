package io.countersign.intake.mcp.internal;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One upstream MCP server: a command run as a child process speaking stdio, or a Streamable HTTP URL.
 *
 * @param command for stdio, the program and its arguments (split on white space); empty for HTTP
 * @param url for HTTP, the MCP endpoint; {@code null} for stdio
 */
record UpstreamSpec(String name, List<String> command, URI url) {

    UpstreamSpec {
        Objects.requireNonNull(name, "name");
        command = List.copyOf(command);
        if (command.isEmpty() == (url == null)) {
            throw new IllegalArgumentException("upstream " + name + " needs exactly one of a command or a URL");
        }
    }

    /** Parses {@code stdio:<command line>} or an {@code http(s)://} URL. */
    static UpstreamSpec parse(String name, String value) {
        String text = value.trim();
        if (text.startsWith("stdio:")) {
            List<String> words = Arrays.stream(text.substring(6).trim().split("\\s+")).filter(w -> !w.isEmpty())
                    .toList();
            if (words.isEmpty()) {
                throw new IllegalArgumentException("upstream " + name + ": stdio: needs a command");
            }
            return new UpstreamSpec(name, words, null);
        }
        if (text.startsWith("http://") || text.startsWith("https://")) {
            URI url = URI.create(text);
            if (url.getHost() == null) {
                throw new IllegalArgumentException("upstream " + name + ": no host in " + text);
            }
            return new UpstreamSpec(name, List.of(), url);
        }
        throw new IllegalArgumentException("upstream " + name + " must be stdio:<command> or an http(s):// URL, not '"
                + value + "'");
    }

    boolean isStdio() {
        return url == null;
    }
}
