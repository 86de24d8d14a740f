package io.countersign.journal.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(name = "Countersign journal",
        description = "The embedded append-only, hash-chained journal (segment files with group-commit fsync)")
@interface Config {

    @AttributeDefinition(description = "Directory holding the segment files; created if missing")
    String directory();

    @AttributeDefinition(description = "Most records written with one fsync")
    int maxBatch() default JournalOptions.DEFAULT_MAX_BATCH;

    @AttributeDefinition(description = "Size each new segment file is preallocated to, in bytes")
    long segmentBytes() default JournalOptions.DEFAULT_SEGMENT_BYTES;

    @AttributeDefinition(description = "Appends that may wait for the writer; beyond it appends are refused as"
            + " unavailable")
    int queueCapacity() default JournalOptions.DEFAULT_QUEUE_CAPACITY;

    @AttributeDefinition(description = "Wait before the first retry of a failed write (a full disk), in milliseconds;"
            + " each later wait doubles")
    long retryMinMillis() default 100;

    @AttributeDefinition(description = "Longest wait between two attempts of a failed write, in milliseconds")
    long retryMaxMillis() default 5000;

    @AttributeDefinition(description = "End the process, with one line saying why, when the journal cannot be opened"
            + " at start (too little space, unreadable, locked by another process, damaged); a journal reopened later"
            + " (a configuration change) only fails its activation")
    boolean exitOnOpenFailure() default true;

    @AttributeDefinition(description = "Seal the verified journal (seal.bin: its size, Merkle root and last entry)"
            + " after at most this many new entries, so that an open verifies only what follows the seal")
    long sealEveryEntries() default 25_000;

    @AttributeDefinition(description = "Seal the verified journal at least this often while entries are appended, in"
            + " milliseconds")
    long sealEveryMillis() default 5_000;

    @AttributeDefinition(description = "What an open verifies before the journal serves: 'sealed' checks the seal"
            + " against the Merkle tree and verifies the entries after it, leaving the sealed prefix to the background"
            + " scrub; 'full' verifies every entry (start-up time grows with the journal)",
            options = {
                @Option(label = "sealed", value = "sealed"),
                @Option(label = "full", value = "full")
            })
    String verifyOnOpen() default "sealed";

    @AttributeDefinition(description = "Pace of the background scrub that re-verifies the sealed prefix, in entries"
            + " per second")
    long scrubEntriesPerSecond() default 200_000;

    @AttributeDefinition(description = "How long after the open the background scrub begins, in seconds (it leaves"
            + " the CPU to the rest of the start)")
    long scrubDelaySeconds() default 30;
}
