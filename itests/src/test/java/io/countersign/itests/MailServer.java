package io.countersign.itests;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.countersign.channel.email.testing.ReviewMail;
import io.countersign.channel.email.testing.ReviewMailbox;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * GreenMail (a real SMTP and IMAP server) on fixed loopback ports inside the container, so it can be stopped and
 * started again where Countersign expects it; and the reviewers' mailboxes read over IMAP as a mail client would.
 * <p>
 * Only touch this class once the countersign-camel bundle is installed: Jakarta Mail comes from there. Jakarta Mail
 * finds its providers (smtp, imap) and MIME handlers through the context class loader, which in OSGi must be the
 * bundle that embeds it, so every call runs with that loader.
 */
final class MailServer {

    private static final String HOST = "127.0.0.1";

    private final int smtpPort;
    private final int imapPort;
    private final ReviewMailbox mailbox;
    private GreenMail greenMail;

    MailServer(int smtpPort, int imapPort) {
        this.smtpPort = smtpPort;
        this.imapPort = imapPort;
        this.mailbox = new ReviewMailbox(HOST, imapPort);
    }

    int smtpPort() {
        return smtpPort;
    }

    private static final long STARTUP_TIMEOUT_MILLIS = 30_000;

    /** Starts a fresh server (empty mailboxes) on the same ports. */
    synchronized void start() throws Exception {
        withMailClassLoader(() -> {
            ServerSetup smtp = new ServerSetup(smtpPort, HOST, "smtp");
            ServerSetup imap = new ServerSetup(imapPort, HOST, "imap");
            // GreenMail gives its servers 2 s to start: too short on two busy cores (seen in CI)
            smtp.setServerStartupTimeout(STARTUP_TIMEOUT_MILLIS);
            imap.setServerStartupTimeout(STARTUP_TIMEOUT_MILLIS);
            GreenMail server = new GreenMail(new ServerSetup[] {smtp, imap});
            server.start();
            greenMail = server;
            return null;
        });
    }

    /** Stops the server: connections to its SMTP port are refused until {@link #start()}. */
    synchronized void stop() throws Exception {
        withMailClassLoader(() -> {
            greenMail.stop();
            return null;
        });
    }

    /** The review emails for one request in {@code address}'s INBOX (they link to {@code /review/<request>/}). */
    List<ReviewMail> reviewMails(String address, String requestId) throws Exception {
        return withMailClassLoader(() -> mailbox.messages(address).stream()
                .filter(mail -> mail.reviewLink().map(link -> link.getPath().startsWith("/review/" + requestId
                        + "/")).orElse(false))
                .toList());
    }

    /** Every email in {@code address}'s INBOX whose text names this request (review and outcome emails). */
    List<ReviewMail> mailsAbout(String address, String requestId) throws Exception {
        return withMailClassLoader(() -> mailbox.messages(address).stream()
                .filter(mail -> mail.text() != null && mail.text().contains(requestId))
                .toList());
    }

    /** Waits for the review email of a request to reach {@code address} and returns it. */
    ReviewMail awaitReviewMail(String address, String requestId, Duration timeout) throws Exception {
        return Poll.until("a review email about " + requestId + " for " + address, timeout, () -> {
            try {
                List<ReviewMail> mails = reviewMails(address, requestId);
                return mails.isEmpty() ? null : mails.get(0);
            } catch (Exception e) {
                // GreenMail creates the account with the first message to it: until then the login fails
                return null;
            }
        });
    }

    private static <T> T withMailClassLoader(Callable<T> action) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(jakarta.mail.Session.class.getClassLoader());
        try {
            return action.call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
