package io.countersign.journal.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

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
}
