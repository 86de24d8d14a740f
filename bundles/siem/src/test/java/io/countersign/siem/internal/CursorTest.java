package io.countersign.siem.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CursorTest {

    @TempDir
    Path dir;

    @Test
    void aMissingCursorStartsAtZero() throws IOException {
        assertEquals(Cursor.Position.START, new Cursor(dir.resolve("a/s.cursor")).read());
    }

    @Test
    void writtenPositionsAreReadBackAndNoTemporaryFileStays() throws IOException {
        Cursor cursor = new Cursor(dir.resolve("siem/s.cursor"));
        cursor.write(new Cursor.Position(17, "sha256:ab"));
        cursor.write(new Cursor.Position(42, "sha256:cd"));
        assertEquals(new Cursor.Position(42, "sha256:cd"), new Cursor(dir.resolve("siem/s.cursor")).read());
        assertFalse(Files.exists(dir.resolve("siem/s.cursor.tmp")));
    }

    @Test
    void aDamagedCursorIsAnErrorNotAStartFromZero() throws IOException {
        Files.writeString(dir.resolve("s.cursor"), "12");
        assertThrows(IOException.class, () -> new Cursor(dir.resolve("s.cursor")).read());
        Files.writeString(dir.resolve("s.cursor"), "x y");
        assertThrows(IOException.class, () -> new Cursor(dir.resolve("s.cursor")).read());
    }
}
