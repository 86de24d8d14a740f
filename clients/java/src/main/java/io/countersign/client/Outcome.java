package io.countersign.client;

/** How a wait for a request ended. */
public sealed interface Outcome permits Outcome.Granted, Outcome.Denied, Outcome.Expired, Outcome.Pending {

    ActionRequest request();

    /** Allowed by the policy or approved by its reviewers: the grant may be consumed. */
    record Granted(ActionRequest request, Grant grant) implements Outcome {
    }

    /** Denied by the policy or by reviewers; the policy's reasons and the votes say why. */
    record Denied(ActionRequest request) implements Outcome {
    }

    /** No decision before the request's deadline. */
    record Expired(ActionRequest request) implements Outcome {
    }

    /** Still waiting for reviewers when the caller's deadline came. */
    record Pending(ActionRequest request) implements Outcome {
    }

    static Outcome of(ActionRequest request) {
        return switch (request.status()) {
            case ALLOWED, APPROVED -> new Granted(request, request.grant());
            case DENIED -> new Denied(request);
            case EXPIRED -> new Expired(request);
            case PENDING -> new Pending(request);
        };
    }
}
