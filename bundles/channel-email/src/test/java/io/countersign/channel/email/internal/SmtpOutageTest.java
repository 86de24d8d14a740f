package io.countersign.channel.email.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.countersign.api.RequestView;
import io.countersign.camel.ChannelUnavailableException;
import io.countersign.channel.email.testing.ReviewMail;
import io.countersign.channel.email.testing.ReviewMailbox;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.DefaultErrorHandlerBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SMTP down (connection refused) and back up on the same port: retried, delivered once, nothing lost. */
class SmtpOutageTest {

    private int smtpPort;
    private GreenMail greenMail;
    private DefaultCamelContext camel;

    @BeforeEach
    void start() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            smtpPort = probe.getLocalPort();
        }
        greenMail = startGreenMail(smtpPort);
    }

    @AfterEach
    void stop() {
        if (camel != null) {
            camel.stop();
        }
        greenMail.stop();
    }

    @Test
    void smtpRefusingConnections_isReportedAsUnavailable() throws Exception {
        greenMail.stop();
        camel = new DefaultCamelContext();
        camel.addRoutes(channel().routes());
        camel.start();

        Exchange exchange = camel.createProducerTemplate().send(EmailChannel.ENDPOINT,
                e -> e.getIn().setBody(Requests.review(Requests.ALICE, pending())));

        ChannelUnavailableException failure = assertInstanceOf(ChannelUnavailableException.class,
                exchange.getException());
        assertTrue(failure.getMessage().contains("SMTP delivery failed"), failure.getMessage());
        assertNull(failure.retryAfter(), "SMTP names no wait: the error handler's backoff applies");
    }

    @Test
    void smtpDownThenUp_theEmailIsDeliveredOnceByRedelivery() throws Exception {
        greenMail.stop();
        CountDownLatch failedAttempts = new CountDownLatch(2);
        camel = new DefaultCamelContext();
        camel.getCamelContextExtension().setErrorHandlerFactory(new DefaultErrorHandlerBuilder()
                .maximumRedeliveries(100).redeliveryDelay(100).retryAttemptedLogLevel(LoggingLevel.DEBUG)
                .onRedelivery(exchange -> failedAttempts.countDown()));
        camel.addRoutes(channel().routes());
        camel.start();

        CompletableFuture<Exchange> sending = camel.createProducerTemplate().asyncSend(EmailChannel.ENDPOINT,
                e -> e.getIn().setBody(Requests.review(Requests.ALICE, pending())));
        assertTrue(failedAttempts.await(10, TimeUnit.SECONDS), "the send failed and is being retried");
        assertFalse(sending.isDone(), "still retrying while SMTP is down");

        greenMail = startGreenMail(smtpPort);
        Exchange sent = sending.get(15, TimeUnit.SECONDS);

        assertNull(sent.getException());
        ObjectNode reference = sent.getMessage().getBody(ObjectNode.class);
        ReviewMailbox mailbox = new ReviewMailbox("127.0.0.1", greenMail.getImap().getPort());
        ReviewMail mail = mailbox.awaitNewest("alice@example.org", 1, Duration.ofSeconds(10));
        List<ReviewMail> all = mailbox.messages("alice@example.org");
        assertEquals(1, all.size(), "delivered exactly once");
        assertEquals(reference.path("messageId").asText(), mail.messageId());
        assertEquals(LinkTokens.hash(mail.reviewLink().orElseThrow().getPath().replaceAll(".*/", "")),
                reference.path("tokenHash").asText(), "the journaled token is the one that went out");
    }

    private EmailChannel channel() throws Exception {
        EmailSettings settings = new EmailSettings("127.0.0.1", smtpPort, false, false, "", "",
                new InternetAddress("countersign@example.org"), Duration.ofSeconds(2), Duration.ofSeconds(5),
                URI.create("http://127.0.0.1:8181"), Duration.ofHours(24), "[Countersign]");
        return new EmailChannel(settings, Clock.systemUTC(), new LinkTokens());
    }

    private static RequestView pending() {
        return Requests.pending(Instant.now(), Duration.ofHours(2));
    }

    private static GreenMail startGreenMail(int smtpPort) {
        GreenMail started = new GreenMail(new ServerSetup[]{
                new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        started.start();
        return started;
    }
}
