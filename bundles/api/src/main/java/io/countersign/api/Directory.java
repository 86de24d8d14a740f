package io.countersign.api;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Maps credentials to identities. Credentials are compared as hashes; the plain values are never stored. */
@ProviderType
public interface Directory {

    /** The agent holding this API key, if any. */
    Optional<Agent> agentByKey(String apiKey);

    /** The reviewer holding this API token, if any. */
    Optional<Reviewer> reviewerByToken(String token);

    /** A reviewer by id, with their groups as of now. */
    Optional<Reviewer> reviewer(String id);
}
