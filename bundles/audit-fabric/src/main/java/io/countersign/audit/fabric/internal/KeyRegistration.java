package io.countersign.audit.fabric.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.api.LogKey;
import io.countersign.api.SigningKeys;
import io.countersign.api.json.Jcs;
import io.countersign.api.json.KeyListing;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the log's public keys registered on Fabric, so that the chaincode can check every anchored checkpoint:
 * at start, and again whenever the key list changed (a rotation adds a key and retires the old one).
 */
final class KeyRegistration {

    private static final Logger LOG = LoggerFactory.getLogger(KeyRegistration.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final SigningKeys keys;
    private final AnchorLedger ledger;
    private String registered;

    KeyRegistration(SigningKeys keys, AnchorLedger ledger) {
        this.keys = keys;
        this.ledger = ledger;
    }

    /**
     * Registers the keys unless they were, by this process or (as {@code Keys} shows) before it. Call it after
     * choosing which checkpoints to anchor: every key that signed one of them is in the list by then.
     */
    void ensureRegistered() throws FabricException {
        String origin = keys.origin();
        List<LogKey> current = keys.keys();
        String listing = Jcs.canonicalString(KeyListing.toJson(origin, current));
        if (listing.equals(registered)) {
            return;
        }
        if (!onFabric(origin).containsAll(canonicalKeys(origin, current))) {
            ledger.registerKeys(listing);
            LOG.info("Registered the {} public key(s) of '{}' on Fabric", current.size(), origin);
        }
        registered = listing;
    }

    /** Checks the registration again before the next batch (after Fabric said a key is missing). */
    void forget() {
        registered = null;
    }

    private Set<String> onFabric(String origin) throws FabricException {
        String answer = ledger.keys(origin);
        try {
            return canonicalKeys(origin, KeyListing.keys(MAPPER.readTree(answer)));
        } catch (JsonProcessingException | RuntimeException e) {
            throw FabricException.failed("the chaincode's Keys answer is not a key listing: " + answer, e);
        }
    }

    private static Set<String> canonicalKeys(String origin, List<LogKey> keys) {
        Set<String> canonical = new HashSet<>();
        for (LogKey key : keys) {
            canonical.add(Jcs.canonicalString(KeyListing.toJson(origin, List.of(key)).get("keys").get(0)));
        }
        return canonical;
    }
}
