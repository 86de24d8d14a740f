package io.countersign.channel.email.testing;

import jakarta.mail.BodyPart;
import jakarta.mail.Folder;
import jakarta.mail.Header;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads a reviewer's INBOX over IMAP (plain, no TLS), as their mail client would: for tests against GreenMail.
 * GreenMail creates an account for every recipient with login and password both equal to the address; the
 * one-argument methods use that.
 * <pre>{@code
 * ReviewMailbox mailbox = new ReviewMailbox("127.0.0.1", greenMail.getImap().getPort());
 * ReviewMail mail = mailbox.awaitNewest("alice@example.org", 1, Duration.ofSeconds(10));
 * URI link = mail.reviewLink().orElseThrow();
 * }</pre>
 */
public final class ReviewMailbox {

    private final String host;
    private final int port;

    public ReviewMailbox(String host, int imapPort) {
        this.host = host;
        this.port = imapPort;
    }

    /** Every message in the INBOX of {@code login}, oldest first. */
    public List<ReviewMail> messages(String login, String password) throws MessagingException, IOException {
        Properties properties = new Properties();
        properties.setProperty("mail.imap.connectiontimeout", "5000");
        properties.setProperty("mail.imap.timeout", "5000");
        properties.setProperty("mail.imap.partialfetch", "false");
        Session session = Session.getInstance(properties);
        try (Store store = session.getStore("imap")) {
            store.connect(host, port, login, password);
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                List<ReviewMail> mails = new ArrayList<>();
                for (Message message : inbox.getMessages()) {
                    // one FETCH of the whole message, then parsed here: far fewer round trips than part by part
                    ByteArrayOutputStream raw = new ByteArrayOutputStream();
                    message.writeTo(raw);
                    mails.add(read(new MimeMessage(session, new ByteArrayInputStream(raw.toByteArray()))));
                }
                return mails;
            } finally {
                inbox.close(false);
            }
        }
    }

    /** Every message for a GreenMail auto-created account (login = password = address), oldest first. */
    public List<ReviewMail> messages(String address) throws MessagingException, IOException {
        return messages(address, address);
    }

    /**
     * Waits until the INBOX of {@code address} (GreenMail account) holds at least {@code count} messages, polling
     * IMAP, and returns the newest.
     *
     * @throws AssertionError when they have not arrived within {@code timeout}
     */
    public ReviewMail awaitNewest(String address, int count, Duration timeout)
            throws MessagingException, IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ReviewMail> mails = messagesIfAny(address);
            if (mails.size() >= count) {
                return mails.get(mails.size() - 1);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " message(s) for " + address + " within " + timeout
                        + ", found " + mails.size());
            }
            Thread.sleep(50);
        }
    }

    private List<ReviewMail> messagesIfAny(String address) throws MessagingException, IOException {
        try {
            return messages(address);
        } catch (jakarta.mail.AuthenticationFailedException e) {
            return List.of(); // GreenMail creates the account with the first message to it
        }
    }

    private static ReviewMail read(MimeMessage message) throws MessagingException, IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        Enumeration<Header> all = message.getAllHeaders();
        while (all.hasMoreElements()) {
            Header header = all.nextElement();
            headers.computeIfAbsent(header.getName(), name -> new ArrayList<>()).add(header.getValue());
        }
        List<String> to = message.getRecipients(Message.RecipientType.TO) == null ? List.of()
                : Arrays.stream(message.getRecipients(Message.RecipientType.TO))
                        .map(address -> ((InternetAddress) address).getAddress()).toList();
        String[] parts = new String[2];
        collect(message, parts);
        String from = message.getFrom() == null || message.getFrom().length == 0 ? null
                : message.getFrom()[0].toString();
        return new ReviewMail(message.getMessageID(), message.getSubject(), from, to, message.getContentType(),
                parts[0], parts[1], Collections.unmodifiableMap(headers));
    }

    private static void collect(Part part, String[] parts) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart body = multipart.getBodyPart(i);
                collect(body, parts);
            }
        } else if (part.isMimeType("text/plain") && parts[0] == null) {
            parts[0] = (String) part.getContent();
        } else if (part.isMimeType("text/html") && parts[1] == null) {
            parts[1] = (String) part.getContent();
        }
    }
}
