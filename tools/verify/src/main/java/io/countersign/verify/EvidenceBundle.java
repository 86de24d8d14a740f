package io.countersign.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** The ZIP file of an evidence bundle (§7): its JSON members read up front, its entries streamed. */
final class EvidenceBundle implements AutoCloseable {
    static final String MANIFEST = "manifest.json";
    static final String ENTRIES = "entries.jsonl";
    static final String CHECKPOINTS = "checkpoints.json";
    static final String PROOFS = "proofs.json";
    static final String KEYS = "keys.json";
    static final List<String> MEMBERS = List.of(MANIFEST, ENTRIES, CHECKPOINTS, PROOFS, KEYS);

    private final ZipFile zip;
    private final List<String> unexpectedMembers;

    private EvidenceBundle(ZipFile zip, List<String> unexpectedMembers) {
        this.zip = zip;
        this.unexpectedMembers = unexpectedMembers;
    }

    static EvidenceBundle open(Path file) throws InputException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (IOException e) {
            throw new InputException("cannot read " + file + " as a ZIP file: " + e.getMessage(), e);
        }
        try {
            return new EvidenceBundle(zip, checkMembers(zip));
        } catch (InputException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    /** Every member present exactly once; a ZIP with two members of one name could show different readers different evidence. */
    private static List<String> checkMembers(ZipFile zip) throws InputException {
        Set<String> seen = new HashSet<>();
        List<String> unexpected = new ArrayList<>();
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            if (!seen.add(name)) {
                throw new InputException("the bundle has two members named " + name);
            }
            if (!MEMBERS.contains(name)) {
                unexpected.add(name);
            }
        }
        for (String member : MEMBERS) {
            if (!seen.contains(member)) {
                throw new InputException("the bundle has no " + member + " member");
            }
        }
        return List.copyOf(unexpected);
    }

    List<String> unexpectedMembers() {
        return unexpectedMembers;
    }

    JsonNode json(String member) throws InputException {
        try (InputStream in = member(member)) {
            JsonNode node = Json.read(in);
            if (node == null || !node.isObject()) {
                throw new InputException(member + " is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new InputException(member + " is not readable JSON: " + e.getMessage(), e);
        }
    }

    InputStream member(String name) throws IOException {
        return zip.getInputStream(zip.getEntry(name));
    }

    @Override
    public void close() {
        closeQuietly(zip);
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException ignored) {
            // nothing was written, so nothing can be lost
        }
    }
}
