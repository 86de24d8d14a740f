package io.countersign.channel.email.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ConsoleLinks;
import io.countersign.api.notify.Notification;
import io.countersign.api.notify.NotificationKind;
import io.countersign.camel.ChannelRejectedException;
import io.countersign.camel.RequestSummary;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Turns a {@link Notification} into the email to send (a {@link MimeMessage} body) and the reference to journal once
 * it is sent; or, when there is nothing to send, into that reference directly.
 * <ul>
 *   <li>REVIEW, REMINDER: a new link token (kept only as its hash in the reference) and the review email.</li>
 *   <li>UPDATE: email cannot be edited, so only a decided request gets a short outcome email (once per message);
 *   otherwise the previous reference comes back unchanged and nothing is sent.</li>
 * </ul>
 * Camel redelivers at the step that failed, the send: a retried email is the same message with the same token, so
 * the token hash journaled with the delivery is always the one in the email that went out.
 */
final class ReviewMailComposer implements Processor {

    /** Exchange property: the reference to journal when the message in the body is sent. */
    static final String REFERENCE = "countersign.email.reference";
    /** Exchange property: the reference field that receives the Message-ID of the sent message. */
    static final String MESSAGE_ID_FIELD = "countersign.email.messageIdField";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final EmailSettings settings;
    private final Clock clock;
    private final LinkTokens tokens;
    private final Supplier<ConsoleLinks> console;
    private final SecureRandom random = new SecureRandom();
    private final Session session;

    ReviewMailComposer(EmailSettings settings, Clock clock, LinkTokens tokens, Supplier<ConsoleLinks> console) {
        this.console = console;
        this.settings = settings;
        this.clock = clock;
        this.tokens = tokens;
        this.session = compositionSession();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Notification notification = exchange.getIn().getBody(Notification.class);
        if (notification == null) {
            throw new ChannelRejectedException("the email channel takes notifications, not "
                    + exchange.getIn().getBody());
        }
        RequestSummary summary = RequestSummary.of(notification.view(), console.get());
        ObjectNode reference;
        String messageIdField;
        MimeMessage message;
        if (notification.kind() == NotificationKind.UPDATE) {
            ObjectNode previous = notification.previous().reference();
            if (summary.isPending() || previous.hasNonNull("outcome")) {
                exchange.getIn().setBody(previous.deepCopy());
                return;
            }
            reference = previous.deepCopy();
            reference.put("outcome", summary.outcome());
            messageIdField = "outcomeMessageId";
            message = message(notification, MailContent.outcome(settings.subjectPrefix(), summary));
            JsonNode inReplyTo = previous.get("messageId");
            if (inReplyTo != null && inReplyTo.isTextual() && inReplyTo.asText().matches("<[^<>\\s]+>")) {
                message.setHeader("In-Reply-To", inReplyTo.asText());
                message.setHeader("References", inReplyTo.asText());
            }
        } else if (!summary.isPending()) {
            // decided before this message went out: say so, and offer no link to a closed request
            reference = base(notification, summary);
            reference.put("outcome", summary.outcome());
            messageIdField = "messageId";
            message = message(notification, MailContent.outcome(settings.subjectPrefix(), summary));
        } else {
            String token = tokens.next();
            Instant expiresAt = expiry(summary);
            reference = base(notification, summary);
            reference.put("tokenHash", LinkTokens.hash(token));
            reference.put("expiresAt", expiresAt.toString());
            messageIdField = "messageId";
            ReviewLink link = ReviewLink.of(notification.view().id(), token);
            message = message(notification, MailContent.review(settings.subjectPrefix(), summary,
                    link.under(settings.publicBaseUrl()), expiresAt,
                    notification.kind() == NotificationKind.REMINDER));
        }
        exchange.setProperty(REFERENCE, reference);
        exchange.setProperty(MESSAGE_ID_FIELD, messageIdField);
        exchange.getIn().setBody(message);
    }

    private Instant expiry(RequestSummary summary) {
        Instant byTtl = clock.instant().plus(settings.tokenTtl());
        return summary.deadline() != null && summary.deadline().isBefore(byTtl) ? summary.deadline() : byTtl;
    }

    private static ObjectNode base(Notification notification, RequestSummary summary) {
        ObjectNode reference = JSON.objectNode();
        reference.put("reviewer", notification.reviewer().id());
        reference.put("digest", summary.digest());
        return reference;
    }

    private MimeMessage message(Notification notification, MailContent content) throws Exception {
        InternetAddress to;
        try {
            to = new InternetAddress(notification.address(), true);
            to.validate();
        } catch (AddressException e) {
            throw new ChannelRejectedException("not an email address: " + notification.address(), e);
        }
        MimeMessage message = new MimeMessage(session);
        message.setFrom(settings.from());
        message.setRecipient(MimeMessage.RecipientType.TO, to);
        message.setSubject(content.subject(), StandardCharsets.UTF_8.name());
        message.setSentDate(Date.from(clock.instant()));
        // set here and kept by camel-mail's sender, so the reference names the message as it went out
        message.setHeader("Message-ID", messageId());
        message.setHeader("Auto-Submitted", "auto-generated");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(content.text(), StandardCharsets.UTF_8.name(), "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(content.html(), StandardCharsets.UTF_8.name(), "html");
        // RFC 2046 §5.1.4: alternatives in increasing order of preference
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        message.setContent(alternative);
        return message;
    }

    private String messageId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String address = settings.from().getAddress();
        String domain = address.substring(address.lastIndexOf('@') + 1);
        return "<" + HexFormat.of().formatHex(bytes) + ".countersign@" + (domain.isEmpty() ? "localhost" : domain)
                + ">";
    }

    /**
     * A session only for building messages (sending uses camel-mail's). Jakarta Mail looks its providers up through
     * the context class loader, which in OSGi must be the bundle that embeds it.
     */
    private static Session compositionSession() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try {
            thread.setContextClassLoader(Session.class.getClassLoader());
            return Session.getInstance(new Properties());
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
