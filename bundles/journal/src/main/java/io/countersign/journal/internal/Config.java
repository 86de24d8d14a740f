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
}
