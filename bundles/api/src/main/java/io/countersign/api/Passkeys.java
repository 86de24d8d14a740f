package io.countersign.api;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/** The passkeys reviewers registered for step-up, kept by the approval core as a projection of the journal. */
@ProviderType
public interface Passkeys {

    /**
     * Journals {@code passkey.registered} and, once it is durable, lets the passkey approve step-up requests.
     * Completes exceptionally with {@link IllegalArgumentException} if the credential id is already registered (to
     * anyone), and with the journal's failure if it could not be written.
     */
    CompletionStage<Passkey> register(Passkey passkey);

    /** The reviewer's passkeys, oldest first. */
    List<Passkey> of(String reviewer);
}
