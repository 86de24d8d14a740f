package io.countersign.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of every durable change to a request (a decision, a vote, a close, a grant step), in version order per
 * request, once added with {@link ApprovalService#addListener}; called on the thread that made the change durable, so
 * it must only hand work off and return.
 */
@ConsumerType
public interface RequestListener {

    void changed(RequestView view);
}
