package io.countersign.ledger.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.JournalEntry;
import io.countersign.api.SigningKeys;
import io.countersign.journal.internal.FileJournal;
import io.countersign.signing.internal.KeyRing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A real journal and real keys in a temporary directory. */
final class LedgerFixture implements AutoCloseable {

    final Path dir;
    FileJournal journal;
    final SigningKeys keys;

    LedgerFixture(Path dir) throws IOException {
        this.dir = dir;
        this.journal = FileJournal.open(dir.resolve("journal"), 1 << 20);
        this.keys = KeyRing.open(dir.resolve("keys"), "test.example/ledger");
    }

    /** Appends {@code count} entries about {@code request} and waits until they are durable. */
    List<JournalEntry> append(int count, String request) {
        List<CompletableFuture<JournalEntry>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(journal.append("test.event", JsonNodeFactory.instance.objectNode().put("request", request)
                    .put("n", i)));
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    void reopenJournal(Path directory) {
        journal.close();
        try {
            journal = FileJournal.open(directory, 1 << 20);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        journal.close();
    }
}
