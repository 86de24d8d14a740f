package io.countersign.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Passkey;
import io.countersign.api.StepUp;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The passkeys reviewers registered ({@code passkey.registered}) with the signature counter each last showed (the
 * step-up assertions of {@code review.accepted} entries), as the journal has them.
 */
final class PasskeyRegistry {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_ENTRY_JSON_BYTES = 1 << 20;

    /**
     * A registered passkey, the highest signature counter seen, and the seq of its {@code passkey.registered} entry
     * (-1 until that entry is written), which a request's evidence bundle carries beside each step-up vote.
     */
    record Registered(Passkey passkey, long signCount, long seq) {
        Registered withSignCount(long count) {
            return new Registered(passkey, Math.max(signCount, count), seq);
        }
    }

    /** By credential id, in registration order. */
    private final Map<String, Registered> byCredential = new LinkedHashMap<>();

    PasskeyRegistry() {
    }

    /** An independent copy: the engine's live registry and the journal follower's durable one. */
    PasskeyRegistry(PasskeyRegistry other) {
        synchronized (other) {
            byCredential.putAll(other.byCredential);
        }
    }

    synchronized boolean contains(String credentialId) {
        return byCredential.containsKey(credentialId);
    }

    synchronized void add(Passkey passkey) {
        add(passkey, -1);
    }

    synchronized void add(Passkey passkey, long seq) {
        byCredential.put(passkey.credentialId(), new Registered(passkey, passkey.signCount(), seq));
    }

    /** Forgets a registration whose journal entry could not be written. */
    synchronized void remove(String credentialId) {
        byCredential.remove(credentialId);
    }

    /** Where its registration was journaled, once it is. */
    synchronized void written(String credentialId, long seq) {
        byCredential.computeIfPresent(credentialId, (id, r) -> new Registered(r.passkey(), r.signCount(), seq));
    }

    synchronized Optional<Registered> find(String credentialId) {
        return Optional.ofNullable(byCredential.get(credentialId));
    }

    synchronized List<Passkey> of(String reviewer) {
        List<Passkey> passkeys = new ArrayList<>();
        for (Registered registered : byCredential.values()) {
            if (registered.passkey().reviewer().equals(reviewer)) {
                passkeys.add(registered.passkey());
            }
        }
        return passkeys;
    }

    /**
     * Checks the assertion against the passkey and, if it counts, records its counter in the same step, so two
     * votes racing with one authenticator cannot both pass the counter check with the same value.
     */
    synchronized StepUpCheck.Result check(Registered registered, StepUp.Assertion assertion, String requestId,
                                          String digest) {
        Registered current = byCredential.get(registered.passkey().credentialId());
        StepUpCheck.Result result = StepUpCheck.check(current.passkey(), current.signCount(), assertion, requestId,
                digest);
        if (result.verified()) {
            byCredential.put(current.passkey().credentialId(), current.withSignCount(result.signCount()));
        }
        return result;
    }

    /** Replays a {@code passkey.registered} entry, or the counter of a step-up vote in a {@code review.accepted}. */
    synchronized void apply(String type, JsonNode data, long seq) {
        if (type.equals(EntryTypes.PASSKEY_REGISTERED)) {
            add(decode(data), seq);
            return;
        }
        JsonNode stepUp = data.path("evidence").path("artifact").path(StepUp.ARTIFACT_MEMBER);
        if (type.equals(EntryTypes.REVIEW_ACCEPTED) && stepUp.isObject()) {
            Registered current = byCredential.get(stepUp.path("credentialId").asText());
            byte[] authenticatorData = java.util.Base64.getUrlDecoder().decode(stepUp.path("authenticatorData")
                    .asText());
            if (current != null && authenticatorData.length >= 37) {
                long signCount = ((authenticatorData[33] & 0xffL) << 24) | ((authenticatorData[34] & 0xffL) << 16)
                        | ((authenticatorData[35] & 0xffL) << 8) | (authenticatorData[36] & 0xffL);
                byCredential.put(current.passkey().credentialId(), current.withSignCount(signCount));
            }
        }
    }

    /** The data of a {@code passkey.registered} entry: all a verifier needs to re-check later assertions. */
    static ObjectNode registered(Passkey passkey) {
        ObjectNode data = JSON.objectNode();
        data.put("reviewer", passkey.reviewer());
        data.put("name", passkey.name());
        data.put("credentialId", passkey.credentialId());
        data.put("publicKey", passkey.publicKey());
        data.put("algorithm", passkey.algorithm());
        data.put("aaguid", passkey.aaguid());
        data.put("rpId", passkey.rpId());
        data.put("origin", passkey.origin());
        data.put("signCount", passkey.signCount());
        data.put("at", passkey.at().toString());
        return data;
    }

    static Passkey decode(JsonNode data) {
        return new Passkey(data.path("reviewer").asText(), data.path("name").asText(),
                data.path("credentialId").asText(), data.path("publicKey").asText(), data.path("algorithm").asLong(),
                data.path("aaguid").asText(), data.path("rpId").asText(), data.path("origin").asText(),
                data.path("signCount").asLong(), Instant.parse(data.path("at").asText()));
    }

    /** Each passkey as its entry has it, then the counter last seen. */
    synchronized void write(DataOutput out) throws IOException {
        out.writeInt(byCredential.size());
        for (Registered registered : byCredential.values()) {
            BinaryFields.writeLongString(out, MAPPER.writeValueAsString(registered(registered.passkey())));
            out.writeLong(registered.signCount());
            out.writeLong(registered.seq());
        }
    }

    static PasskeyRegistry read(DataInput in) throws IOException {
        PasskeyRegistry registry = new PasskeyRegistry();
        for (int i = BinaryFields.readCount(in, Integer.MAX_VALUE); i > 0; i--) {
            Passkey passkey = decode(MAPPER.readTree(BinaryFields.readLongString(in, MAX_ENTRY_JSON_BYTES)));
            registry.byCredential.put(passkey.credentialId(), new Registered(passkey, in.readLong(), in.readLong()));
        }
        return registry;
    }
}
