package io.countersign.api.testing;

import io.countersign.api.Agent;
import io.countersign.api.Directory;
import io.countersign.api.Reviewer;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link Directory} over the reviewers (and, if given, agents) a test names, answering as the real directory does:
 * a contact is found only on its channel, email addresses compare without regard to case and other channels' ids
 * exactly; {@link #reviewersIn} is ordered by id; a reviewer id listed twice, or two reviewers sharing a contact, is
 * refused. No agent and no reviewer token is known unless the test adds one.
 *
 * <p>A test may change the reviewers while the code under test runs ({@link #put}, {@link #remove},
 * {@link #setReviewers}); every lookup sees one consistent set.
 */
public final class InMemoryDirectory implements Directory {

    /** The channel whose addresses compare without regard to case, as in the real directory. */
    public static final String EMAIL = "email";

    private final Map<String, Agent> agentsByKey = new HashMap<>();
    private final Map<String, String> reviewerIdsByToken = new HashMap<>();
    private volatile Reviewers reviewers;

    public InMemoryDirectory(Reviewer... reviewers) {
        this(List.of(reviewers));
    }

    public InMemoryDirectory(Collection<Reviewer> reviewers) {
        this.reviewers = Reviewers.of(reviewers);
    }

    /** Makes {@code apiKey} the credential of {@code agent}. */
    public synchronized InMemoryDirectory withAgent(String apiKey, Agent agent) {
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(agent, "agent");
        if (agentsByKey.putIfAbsent(apiKey, agent) != null) {
            throw new IllegalArgumentException("two agents share the key of '" + agent.id() + "'");
        }
        return this;
    }

    /** Makes {@code token} the API token of the reviewer with this id (who is looked up when the token is). */
    public synchronized InMemoryDirectory withReviewerToken(String token, String reviewerId) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(reviewerId, "reviewerId");
        if (reviewerIdsByToken.putIfAbsent(token, reviewerId) != null) {
            throw new IllegalArgumentException("two reviewers share the token of '" + reviewerId + "'");
        }
        return this;
    }

    /** Adds a reviewer, or replaces the one with the same id. */
    public synchronized void put(Reviewer reviewer) {
        Objects.requireNonNull(reviewer, "reviewer");
        Map<String, Reviewer> next = new LinkedHashMap<>(reviewers.byId);
        next.put(reviewer.id(), reviewer);
        reviewers = Reviewers.of(next.values());
    }

    /** Removes the reviewer with this id; returns whether there was one. */
    public synchronized boolean remove(String reviewerId) {
        Map<String, Reviewer> next = new LinkedHashMap<>(reviewers.byId);
        boolean removed = next.remove(reviewerId) != null;
        reviewers = Reviewers.of(next.values());
        return removed;
    }

    /** Replaces every reviewer with these. */
    public synchronized void setReviewers(Collection<Reviewer> reviewers) {
        this.reviewers = Reviewers.of(reviewers);
    }

    /** The reviewers now, in the order they were given. */
    public List<Reviewer> reviewers() {
        return List.copyOf(reviewers.byId.values());
    }

    @Override
    public synchronized Optional<Agent> agentByKey(String apiKey) {
        return Optional.ofNullable(agentsByKey.get(apiKey));
    }

    @Override
    public Optional<Reviewer> reviewerByToken(String token) {
        String id;
        synchronized (this) {
            id = reviewerIdsByToken.get(token);
        }
        return id == null ? Optional.empty() : reviewer(id);
    }

    @Override
    public Optional<Reviewer> reviewer(String id) {
        return Optional.ofNullable(reviewers.byId.get(id));
    }

    @Override
    public Optional<Reviewer> reviewerByContact(String channel, String address) {
        return Optional.ofNullable(reviewers.byContact.get(contactKey(channel, address)));
    }

    @Override
    public List<Reviewer> reviewersIn(Collection<String> groups) {
        return reviewers.byId.values().stream()
                .filter(reviewer -> reviewer.groups().stream().anyMatch(groups::contains))
                .sorted(Comparator.comparing(Reviewer::id))
                .toList();
    }

    /** As the real directory keys contacts: email addresses without regard to case, other channels exactly. */
    private static String contactKey(String channel, String address) {
        return channel + '\u0000' + (channel.equals(EMAIL) ? address.toLowerCase(Locale.ROOT) : address);
    }

    /** One consistent set of reviewers, indexed. */
    private static final class Reviewers {
        final Map<String, Reviewer> byId;
        final Map<String, Reviewer> byContact;

        private Reviewers(Map<String, Reviewer> byId, Map<String, Reviewer> byContact) {
            this.byId = byId;
            this.byContact = byContact;
        }

        static Reviewers of(Collection<Reviewer> reviewers) {
            Map<String, Reviewer> byId = new LinkedHashMap<>();
            Map<String, Reviewer> byContact = new HashMap<>();
            for (Reviewer reviewer : reviewers) {
                if (byId.put(reviewer.id(), reviewer) != null) {
                    throw new IllegalArgumentException("reviewer '" + reviewer.id() + "' is listed twice");
                }
                for (Map.Entry<String, String> contact : reviewer.contacts().entrySet()) {
                    Reviewer other = byContact.put(contactKey(contact.getKey(), contact.getValue()), reviewer);
                    if (other != null) {
                        throw new IllegalArgumentException("reviewers '" + other.id() + "' and '" + reviewer.id()
                                + "' share the " + contact.getKey() + " contact " + contact.getValue());
                    }
                }
            }
            return new Reviewers(Collections.unmodifiableMap(byId), Map.copyOf(byContact));
        }
    }
}
