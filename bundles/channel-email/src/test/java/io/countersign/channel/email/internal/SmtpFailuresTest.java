package io.countersign.channel.email.internal;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.RequestView;
import io.countersign.camel.ChannelRejectedException;
import io.countersign.camel.ChannelUnavailableException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

/** SMTP replies on the wire, and the failures Jakarta Mail makes of them, sorted into retry or give up. */
class SmtpFailuresTest {

    @Test
    void anUnknownRecipient_550_isRejectedForGood() throws Exception {
        Exception failure = sendThrough("550 5.1.1 <alice@example.org>: user unknown", "250 queued");

        assertInstanceOf(ChannelRejectedException.class, failure);
        assertTrue(failure.getMessage().contains("550"), failure.getMessage());
    }

    @Test
    void aMailboxTemporarilyUnavailable_451_isRetried() throws Exception {
        Exception failure = sendThrough("451 4.2.0 mailbox busy, try later", "250 queued");

        assertInstanceOf(ChannelUnavailableException.class, failure);
    }

    @Test
    void aMessageRefusedAfterData_554_isRejectedForGood() throws Exception {
        Exception failure = sendThrough("250 OK", "554 5.7.1 message refused");

        assertInstanceOf(ChannelRejectedException.class, failure);
    }

    @Test
    void authenticationAndTlsReplies_areRetried_notDropped() {
        assertInstanceOf(ChannelUnavailableException.class,
                SmtpFailures.classify(new AuthenticationFailedException("535 5.7.8 bad credentials")));
        assertInstanceOf(ChannelUnavailableException.class, SmtpFailures.classify(
                new SMTPSendFailedException("MAIL", 530, "530 5.7.0 Must issue a STARTTLS command first", null,
                        null, null, null)));
    }

    @Test
    void noReplyAtAll_isRetried() {
        assertInstanceOf(ChannelUnavailableException.class, SmtpFailures.classify(
                new MessagingException("Couldn't connect to host", new ConnectException("Connection refused"))));
    }

    @Test
    void aRecipientRejectionChainedBehindSendFailed_isFoundAndRejected() throws Exception {
        InternetAddress alice = new InternetAddress("alice@example.org");
        SMTPAddressFailedException rcpt = new SMTPAddressFailedException(alice, "RCPT TO:<alice@example.org>", 550,
                "550 5.1.1 user unknown");
        SendFailedException failed = new SendFailedException("Invalid Addresses", rcpt,
                new InternetAddress[0], new InternetAddress[0], new InternetAddress[]{alice});

        assertInstanceOf(ChannelRejectedException.class, SmtpFailures.classify(failed));
    }

    private static Exception sendThrough(String rcptReply, String dataReply) throws Exception {
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer(rcptReply, dataReply);
             DefaultCamelContext camel = new DefaultCamelContext()) {
            EmailSettings settings = new EmailSettings("127.0.0.1", smtp.port(), false, false, "", "",
                    new InternetAddress("countersign@example.org"), Duration.ofSeconds(5), Duration.ofSeconds(5),
                    java.net.URI.create("http://127.0.0.1:8181"), Duration.ofHours(24), "");
            camel.addRoutes(new EmailChannel(settings, Clock.systemUTC(), new LinkTokens()).routes());
            camel.start();
            ProducerTemplate template = camel.createProducerTemplate();
            RequestView view = Requests.pending(Instant.now(), Duration.ofHours(1));
            Exchange exchange = template.send(EmailChannel.ENDPOINT,
                    e -> e.getIn().setBody(Requests.review(Requests.ALICE, view)));
            assertTrue(smtp.commands().stream().anyMatch(c -> c.startsWith("RCPT TO:<alice@example.org>")),
                    smtp.commands().toString());
            return exchange.getException();
        }
    }
}
