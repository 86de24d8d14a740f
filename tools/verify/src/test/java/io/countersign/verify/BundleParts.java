package io.countersign.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** The members of a bundle before zipping, all mutable so that a test can tamper with any of them. */
final class BundleParts {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+),");

    Map<String, Object> manifest = new LinkedHashMap<>();
    List<String> entries = new ArrayList<>();
    /** Used instead of {@link #entries} for large bundles whose lines were streamed to a file. */
    Path entriesFile;
    List<String> checkpoints = new ArrayList<>();
    List<Map<String, Object>> inclusion = new ArrayList<>();
    List<Map<String, Object>> consistency = new ArrayList<>();
    Map<String, Object> keys = new LinkedHashMap<>();
    final Set<String> omitted = new HashSet<>();
    final Map<String, byte[]> replaced = new LinkedHashMap<>();

    static long seqOf(String line) {
        Matcher matcher = SEQ.matcher(line);
        if (!matcher.find()) {
            throw new IllegalArgumentException("no seq in " + line);
        }
        return Long.parseLong(matcher.group(1));
    }

    int indexOfSeq(long seq) {
        for (int i = 0; i < entries.size(); i++) {
            if (seqOf(entries.get(i)) == seq) {
                return i;
            }
        }
        throw new IllegalArgumentException("no entry with seq " + seq);
    }

    void editEntry(long seq, UnaryOperator<String> edit) {
        int index = indexOfSeq(seq);
        entries.set(index, edit.apply(entries.get(index)));
    }

    void removeEntry(long seq) {
        entries.remove(indexOfSeq(seq));
    }

    /** Makes the manifest's counts match the entries, as a careful forger would. */
    void recount() {
        manifest.put("entries", entries.size());
        manifest.put("firstSeq", entries.isEmpty() ? null : seqOf(entries.get(0)));
        manifest.put("lastSeq", entries.isEmpty() ? null : seqOf(entries.get(entries.size() - 1)));
    }

    Path write(Path directory) throws IOException {
        Path file = Files.createTempFile(directory, "bundle-", ".zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            member(zip, EvidenceBundle.MANIFEST, () -> JSON.writeValueAsBytes(manifest));
            if (!omitted.contains(EvidenceBundle.ENTRIES) && !replaced.containsKey(EvidenceBundle.ENTRIES)) {
                zip.putNextEntry(new ZipEntry(EvidenceBundle.ENTRIES));
                writeEntries(zip);
                zip.closeEntry();
            } else {
                member(zip, EvidenceBundle.ENTRIES, () -> new byte[0]);
            }
            member(zip, EvidenceBundle.CHECKPOINTS, () -> JSON.writeValueAsBytes(Map.of("checkpoints", checkpoints)));
            Map<String, Object> proofs = new LinkedHashMap<>();
            proofs.put("inclusion", inclusion);
            proofs.put("consistency", consistency);
            member(zip, EvidenceBundle.PROOFS, () -> JSON.writeValueAsBytes(proofs));
            member(zip, EvidenceBundle.KEYS, () -> JSON.writeValueAsBytes(keys));
        }
        return file;
    }

    private void writeEntries(OutputStream out) throws IOException {
        if (entriesFile != null) {
            Files.copy(entriesFile, out);
            return;
        }
        for (String line : entries) {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
    }

    private interface Content {
        byte[] bytes() throws IOException;
    }

    private void member(ZipOutputStream zip, String name, Content content) throws IOException {
        if (omitted.contains(name)) {
            return;
        }
        zip.putNextEntry(new ZipEntry(name));
        zip.write(replaced.containsKey(name) ? replaced.get(name) : content.bytes());
        zip.closeEntry();
    }
}
