package io.countersign.console.internal;

import io.countersign.api.Checkpoint;
import io.countersign.api.Checkpoints;
import java.util.Optional;

/** One checkpoint signed, or none: what the ledger page shows. */
record FixedCheckpoints(Checkpoint newest) implements Checkpoints {

    @Override
    public Optional<Checkpoint> latest() {
        return Optional.ofNullable(newest);
    }

    @Override
    public Optional<Checkpoint> covering(long seq) {
        return newest != null && seq < newest.size() ? Optional.of(newest) : Optional.empty();
    }

    @Override
    public Optional<Checkpoint> ofSize(long size) {
        return newest != null && newest.size() == size ? Optional.of(newest) : Optional.empty();
    }

    @Override
    public Checkpoint signNow() {
        throw new UnsupportedOperationException("the console signs no checkpoints");
    }
}
