package io.countersign.api;

import java.util.Collection;
import java.util.List;
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

    /**
     * The reviewer whose contact on {@code channel} is exactly {@code address} (email addresses compare without
     * regard to case). A channel's claim about who clicked becomes an identity only through this.
     */
    Optional<Reviewer> reviewerByContact(String channel, String address);

    /** Every reviewer in at least one of these groups, ordered by id. */
    List<Reviewer> reviewersIn(Collection<String> groups);
}
