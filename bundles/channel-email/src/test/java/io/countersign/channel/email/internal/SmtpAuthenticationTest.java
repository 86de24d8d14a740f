package io.countersign.channel.email.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.countersign.camel.ChannelUnavailableException;
import io.countersign.channel.email.testing.ReviewMailbox;
import jakarta.mail.internet.InternetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SMTP AUTH with the configured user and password. */
class SmtpAuthenticationTest {

    @RegisterExtension
    static final GreenMailExtension GREEN_MAIL = new GreenMailExtension(new ServerSetup[]{
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)})
            .withConfiguration(GreenMailConfiguration.aConfig()
                    .withUser("countersign@example.org", "smtp-user", "smtp-secret"));

    @Test
    void theConfiguredCredentials_authenticate() throws Exception {
        Exchange exchange = send("smtp-secret");

        assertNull(exchange.getException());
        new ReviewMailbox("127.0.0.1", GREEN_MAIL.getImap().getPort())
                .awaitNewest("alice@example.org", 1, Duration.ofSeconds(10));
        assertEquals(1, GREEN_MAIL.getReceivedMessages().length);
    }

    @Test
    void aWrongPassword_isUnavailable_andNamesNoSecret() throws Exception {
        Exchange exchange = send("wrong-secret");

        ChannelUnavailableException failure = assertInstanceOf(ChannelUnavailableException.class,
                exchange.getException());
        assertTrue(failure.getMessage().contains("authentication failed"), failure.getMessage());
        assertTrue(!failure.getMessage().contains("wrong-secret"), failure.getMessage());
        assertEquals(0, GREEN_MAIL.getReceivedMessages().length);
    }

    private static Exchange send(String password) throws Exception {
        EmailSettings settings = new EmailSettings("127.0.0.1", GREEN_MAIL.getSmtp().getPort(), false, false,
                "smtp-user", password, new InternetAddress("countersign@example.org"), Duration.ofSeconds(5),
                Duration.ofSeconds(5), URI.create("http://127.0.0.1:8181"), Duration.ofHours(24), "");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new EmailChannel(settings, Clock.systemUTC(), new LinkTokens()).routes());
            camel.start();
            return camel.createProducerTemplate().send(EmailChannel.ENDPOINT, e -> e.getIn().setBody(
                    Requests.review(Requests.ALICE, Requests.pending(Instant.now(), Duration.ofHours(1)))));
        }
    }
}
