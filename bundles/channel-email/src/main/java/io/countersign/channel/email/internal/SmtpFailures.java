package io.countersign.channel.email.internal;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

import io.countersign.camel.ChannelRejectedException;
import io.countersign.camel.ChannelUnavailableException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Sorts a failed SMTP delivery into what the host does next. A 4xx reply, a refused or timed-out connection, or any
 * failure without an SMTP reply code is temporary ({@link ChannelUnavailableException}: retried with backoff). A 5xx
 * reply to the recipient, the sender or the message is permanent ({@link ChannelRejectedException}: not retried,
 * the next channel is tried) — except the 5xx replies about authentication or TLS (RFC 4954 530/534/535/538), which
 * say our configuration is wrong, not the message: those stay retryable, so nothing is dropped while it is fixed.
 */
final class SmtpFailures {

    private SmtpFailures() {
    }

    static Exception classify(Throwable failure) {
        if (failure instanceof ChannelUnavailableException || failure instanceof ChannelRejectedException) {
            return (Exception) failure;
        }
        String detail = describe(failure);
        boolean temporary = false;
        Integer permanent = null;
        for (Throwable each : chain(failure)) {
            if (each instanceof AuthenticationFailedException) {
                return new ChannelUnavailableException("SMTP authentication failed (check the username and"
                        + " password): " + detail, failure);
            }
            Integer code = replyCode(each);
            if (code == null) {
                continue;
            }
            if (code >= 400 && code < 500 || code == 530 || code == 534 || code == 535 || code == 538) {
                temporary = true;
            } else if (code >= 500 && code < 600 && permanent == null) {
                permanent = code;
            }
        }
        if (permanent != null && !temporary) {
            return new ChannelRejectedException("the SMTP server refused the message (" + permanent + "): " + detail,
                    failure);
        }
        return new ChannelUnavailableException("SMTP delivery failed: " + detail, failure);
    }

    /** The failure, its causes, and the exceptions Jakarta Mail chains per failed recipient. */
    private static Iterable<Throwable> chain(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> todo = new ArrayDeque<>();
        todo.add(failure);
        while (!todo.isEmpty() && seen.size() < 64) {
            Throwable each = todo.poll();
            if (!seen.add(each)) {
                continue;
            }
            if (each.getCause() != null) {
                todo.add(each.getCause());
            }
            if (each instanceof MessagingException messaging && messaging.getNextException() != null) {
                todo.add(messaging.getNextException());
            }
        }
        return seen;
    }

    /** The SMTP reply code Angus Mail's failures carry (the host bundle exports {@code org.eclipse.angus.mail}). */
    private static Integer replyCode(Throwable failure) {
        int code;
        if (failure instanceof SMTPSendFailedException sendFailed) {
            code = sendFailed.getReturnCode();
        } else if (failure instanceof SMTPAddressFailedException addressFailed) {
            code = addressFailed.getReturnCode();
        } else {
            return null;
        }
        return code > 0 ? code : null;
    }

    private static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        Throwable each = failure;
        for (int depth = 0; each != null && depth < 4; depth++, each = each.getCause()) {
            if (depth > 0) {
                text.append(" <- ");
            }
            text.append(each.getClass().getSimpleName());
            if (each.getMessage() != null) {
                text.append(": ").append(each.getMessage().strip());
            }
        }
        if (failure instanceof MessagingException messaging && messaging.getNextException() != null
                && messaging.getNextException() != failure.getCause()) {
            text.append(" [").append(messaging.getNextException().getMessage()).append(']');
        }
        String oneLine = SummaryRenderer.oneLine(text.toString());
        return oneLine.length() <= 500 ? oneLine : oneLine.substring(0, 500) + "…";
    }
}
