package io.countersign.policy.drools.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** The *.drl files of a rules directory, read once, and the version hash over exactly those bytes. */
record RuleFiles(List<RuleFile> files, String version) {

    record RuleFile(String name, byte[] content) {
    }

    RuleFiles {
        files = List.copyOf(files);
    }

    /** Reads every regular, non-hidden {@code *.drl} file directly in {@code dir}, sorted by file name. */
    static RuleFiles read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("rules directory " + dir + " does not exist or is not a directory");
        }
        List<Path> paths;
        try (Stream<Path> listing = Files.list(dir)) {
            paths = listing.filter(RuleFiles::isRuleFile)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
        List<RuleFile> files = new ArrayList<>(paths.size());
        for (Path path : paths) {
            files.add(new RuleFile(path.getFileName().toString(), Files.readAllBytes(path)));
        }
        return new RuleFiles(files, versionOf(files));
    }

    /** {@code sha256:} + hex of SHA-256 over (name, NUL, content, NUL) for each file in name order. */
    static String versionOf(List<RuleFile> files) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
        for (RuleFile file : files) {
            sha256.update(file.name().getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            sha256.update(file.content());
            sha256.update((byte) 0);
        }
        return "sha256:" + HexFormat.of().formatHex(sha256.digest());
    }

    private static boolean isRuleFile(Path path) {
        String name = path.getFileName().toString();
        // editors leave hidden lock and swap files (.#x.drl) next to the one being edited
        return name.endsWith(".drl") && !name.startsWith(".") && Files.isRegularFile(path);
    }
}
