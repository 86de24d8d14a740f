package io.countersign.console.internal;

import io.countersign.api.ConsoleLinks;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/** The console's links, from the public base URL it is configured with; gone while the console is not configured. */
@Component(service = ConsoleLinks.class, configurationPid = ConsoleRoute.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class ConsoleLinkService implements ConsoleLinks {

    private final String requests;

    @Activate
    public ConsoleLinkService(ConsoleConfig config) {
        this(ConsoleSettings.from(config).publicBaseUrl());
    }

    ConsoleLinkService(URI publicBaseUrl) {
        this.requests = publicBaseUrl + "/console/requests/";
    }

    @Override
    public URI requestPage(String requestId) {
        return URI.create(requests + segment(requestId));
    }

    @Override
    public URI changeRecord(String requestId) {
        return URI.create(requests + segment(requestId) + "/record");
    }

    private static String segment(String requestId) {
        return URLEncoder.encode(requestId, StandardCharsets.UTF_8);
    }
}
