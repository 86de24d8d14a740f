package io.countersign.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Decides which keys are trusted: the pinned {@code --keys} file when given, else the bundle's own keys.json. */
final class KeyTrust {
    private KeyTrust() {
    }

    /** The pinned keys; a listing that is not entirely valid cannot be a trust anchor, so it is unreadable input. */
    static KeyListing loadPinned(Path file) throws InputException {
        JsonNode document;
        try {
            document = Json.read(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new InputException("cannot read the keys file " + file + ": " + e.getMessage(), e);
        }
        if (document == null || !document.isObject()) {
            throw new InputException("the keys file " + file + " is not a JSON object");
        }
        KeyListing listing = KeyListing.parse(document);
        if (!listing.problems().isEmpty()) {
            throw new InputException("the keys file " + file + " is invalid: " + String.join("; ", listing.problems()));
        }
        return listing;
    }

    static KeyRing decide(KeyListing bundleKeys, KeyListing pinned, String origin, Findings findings) {
        if (pinned == null) {
            findings.warn("keys were not pinned: the bundle's own keys.json is trusted (pass --keys FILE to pin them)");
            bundleKeys.problems().forEach(problem -> findings.add(Failure.of("keys", "keys.json: " + problem)));
            checkOrigin("keys.json", bundleKeys, origin, findings);
            return new KeyRing(bundleKeys.keys());
        }
        checkOrigin("the pinned keys", pinned, origin, findings);
        bundleKeys.problems().forEach(problem -> findings.warn("the bundle's keys.json (not trusted): " + problem));
        for (LogKey key : bundleKeys.keys()) {
            List<LogKey> same = pinned.keys().stream().filter(p -> p.keyId().equals(key.keyId())).toList();
            if (same.isEmpty()) {
                findings.warn("the bundle's keys.json lists key " + key.keyId() + ", which is not pinned");
            } else if (same.stream().noneMatch(key::samePublicKey)) {
                findings.warn("the bundle's keys.json gives key " + key.keyId() + " a different public key than the pinned one");
            } else if (same.stream().noneMatch(p -> p.createdAtNanos() == key.createdAtNanos())) {
                findings.warn("the bundle's keys.json gives key " + key.keyId() + " a different createdAt than the pinned one");
            } else if (same.stream().noneMatch(p -> Objects.equals(p.retiredAtNanos(), key.retiredAtNanos()))) {
                findings.warn("the bundle's keys.json gives key " + key.keyId() + " a different retiredAt than the pinned one");
            }
        }
        return new KeyRing(pinned.keys());
    }

    private static void checkOrigin(String what, KeyListing listing, String origin, Findings findings) {
        if (listing.origin() != null && !listing.origin().equals(origin)) {
            findings.add(Failure.of("keys", what + " are for origin " + listing.origin() + ", the bundle is of " + origin));
        }
    }
}
