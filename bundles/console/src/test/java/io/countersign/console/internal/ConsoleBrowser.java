package io.countersign.console.internal;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A browser as far as the console needs one: cookies kept per host, redirects returned, not followed. */
final class ConsoleBrowser {
    record Page(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).reduce((a, b) -> a + "\n" + b).orElse(null);
        }

        String location() {
            return header("Location");
        }
    }

    private final String base;
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, Map<String, String>> cookies = new LinkedHashMap<>();

    ConsoleBrowser(String base) {
        this.base = base;
    }

    Page get(String path) throws Exception {
        return follow(base + path);
    }

    Page follow(String url) throws Exception {
        URI uri = URI.create(url.startsWith("/") ? base + url : url);
        return send(uri, HttpRequest.newBuilder(uri).GET());
    }

    Page post(String path, Map<String, String> form) throws Exception {
        return post(path, form, Map.of("Origin", base, "Sec-Fetch-Site", "same-origin"));
    }

    Page post(String path, Map<String, String> form, Map<String, String> headers) throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((name, value) -> body.append(body.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        URI uri = URI.create(base + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        headers.forEach(request::header);
        return send(uri, request);
    }

    /** The cookies this browser sends to {@code url}'s host, as a {@code Cookie} header. */
    String cookieHeader(String url) {
        StringBuilder header = new StringBuilder();
        cookies.getOrDefault(URI.create(url).getAuthority(), Map.of()).forEach((name, value) -> header
                .append(header.length() == 0 ? "" : "; ").append(name).append('=').append(value));
        return header.toString();
    }

    private Page send(URI uri, HttpRequest.Builder request) throws Exception {
        Map<String, String> jar = cookies.computeIfAbsent(uri.getAuthority(), key -> new LinkedHashMap<>());
        if (!jar.isEmpty()) {
            StringBuilder header = new StringBuilder();
            jar.forEach((name, value) -> header.append(header.length() == 0 ? "" : "; ").append(name).append('=')
                    .append(value));
            request.header("Cookie", header.toString());
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        for (String set : response.headers().allValues("Set-Cookie")) {
            String pair = set.split(";", 2)[0];
            int equals = pair.indexOf('=');
            String name = pair.substring(0, equals);
            String value = pair.substring(equals + 1);
            if (value.isEmpty() || set.contains("Max-Age=0")) {
                jar.remove(name);
            } else {
                jar.put(name, value);
            }
        }
        return new Page(response.statusCode(), response.headers().map(), response.body());
    }
}
