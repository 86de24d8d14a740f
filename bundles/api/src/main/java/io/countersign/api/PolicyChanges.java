package io.countersign.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Four-eyes changes to the policy: a rule set goes live only after the policy admins approved it, never because a
 * file changed.
 */
@ProviderType
public interface PolicyChanges {

    /**
     * Proposes a rule set. Refused ({@link RequestRejectedException}, nothing recorded) when the author is not a
     * policy admin, a file name is not {@code NAME.drl} or {@code tests/NAME.yaml}, the rules do not compile, their
     * tests fail (the message carries the report), or it is the active rule set already.
     *
     * @param files file contents by name
     */
    CompletionStage<PolicyChange> propose(Reviewer author, Map<String, String> files, String description);

    /** Every change, newest first. */
    List<PolicyChange> changes();

    Optional<PolicyChange> change(String id);

    ActivePolicy active();
}
