package io.countersign.audit.fabric.internal;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hyperledger.fabric.client.GatewayException;
import org.hyperledger.fabric.protos.gateway.ErrorDetail;

/** Turns what the gateway client throws into {@link FabricException}s the anchorer can decide on. */
final class FabricErrors {

    /** A chaincode refusal is "code: detail" (docs/evidence-format.md §9.3), inside the peer's own message. */
    private static final Pattern REFUSAL = Pattern.compile("(?<![\\w-])(malformed|not-owner|bad-key|key-conflict|gap"
            + "|overlap|not-consecutive|bad-checkpoint|root-mismatch|not-anchored|not-registered): (.*)",
            Pattern.DOTALL);

    private FabricErrors() {
    }

    static FabricException of(String call, GatewayException e) {
        List<String> messages = new ArrayList<>();
        messages.add(e.getStatus().getDescription());
        for (ErrorDetail detail : e.getDetails()) {
            messages.add(detail.getMessage());
        }
        for (String message : messages) {
            Matcher refusal = message == null ? null : REFUSAL.matcher(message);
            if (refusal != null && refusal.find()) {
                return FabricException.refused(refusal.group(1), call + " refused: " + refusal.group(1) + ": "
                        + refusal.group(2));
            }
        }
        String text = call + ": " + describe(e);
        return switch (e.getStatus().getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, RESOURCE_EXHAUSTED -> FabricException.unreachable(text, e);
            default -> FabricException.failed(text, e);
        };
    }

    private static String describe(GatewayException e) {
        Status status = e.getStatus();
        StringBuilder text = new StringBuilder(status.getCode().name());
        if (status.getDescription() != null) {
            text.append(' ').append(status.getDescription());
        }
        for (ErrorDetail detail : e.getDetails()) {
            text.append("; ").append(detail.getMspId()).append('@').append(detail.getAddress()).append(": ")
                    .append(detail.getMessage());
        }
        return text.toString();
    }
}
