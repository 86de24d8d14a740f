package io.countersign.policy.drools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleFilesTest {
    @TempDir
    Path dir;

    @Test
    void versionIsSha256OverSortedNamesAndContents() throws Exception {
        Drl.write(dir, "b.drl", "B");
        Drl.write(dir, "a.drl", "A");
        Drl.write(dir, "notes.txt", "ignored");
        Drl.write(dir, ".#a.drl", "editor lock file");
        Files.createDirectory(dir.resolve("sub.drl"));

        RuleFiles files = RuleFiles.read(dir);

        assertEquals(List.of("a.drl", "b.drl"), files.files().stream().map(RuleFiles.RuleFile::name).toList());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update("a.drl\0A\0b.drl\0B\0".getBytes(StandardCharsets.UTF_8));
        assertEquals("sha256:" + HexFormat.of().formatHex(sha.digest()), files.version());
    }

    @Test
    void anyByteOrRenameChangesTheVersion() throws Exception {
        Drl.write(dir, "a.drl", "A");
        String original = RuleFiles.read(dir).version();
        Drl.write(dir, "a.drl", "A ");
        assertNotEquals(original, RuleFiles.read(dir).version());
        Files.delete(dir.resolve("a.drl"));
        Drl.write(dir, "c.drl", "A");
        assertNotEquals(original, RuleFiles.read(dir).version());
    }

    @Test
    void anEmptyDirectoryHasTheHashOfNothing() throws Exception {
        assertEquals("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                RuleFiles.read(dir).version());
    }

    @Test
    void aMissingDirectoryIsAnError() {
        assertThrows(IOException.class, () -> RuleFiles.read(dir.resolve("nope")));
    }
}
