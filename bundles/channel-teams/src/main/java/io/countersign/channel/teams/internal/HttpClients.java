package io.countersign.channel.teams.internal;

import java.net.http.HttpClient;

/** The one way this bundle talks HTTP to Microsoft: bounded connects, no redirects. */
final class HttpClients {

    private HttpClients() {
    }

    static HttpClient create(TeamsSettings settings) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }
}
