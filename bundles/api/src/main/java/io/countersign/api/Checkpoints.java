package io.countersign.api;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** The checkpoints signed over the journal, oldest first; each one's tree contains every earlier one's. */
@ProviderType
public interface Checkpoints {

    /** The newest checkpoint, if one has been signed. */
    Optional<Checkpoint> latest();

    /** The oldest checkpoint whose tree contains entry {@code seq}, if any does yet. */
    Optional<Checkpoint> covering(long seq);

    /** The checkpoint of exactly {@code size} entries, if one was signed. */
    Optional<Checkpoint> ofSize(long size);

    /** Signs a checkpoint of every durable entry now, unless the newest already covers them all; returns it. */
    Checkpoint signNow();
}
