package io.countersign.core.internal;

import io.countersign.api.Agent;
import io.countersign.api.Directory;
import io.countersign.api.Reviewer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Reviewers by id, each with their groups; no credentials. */
final class TestDirectory implements Directory {

    private final Map<String, Reviewer> reviewers = new TreeMap<>();

    TestDirectory with(String id, String... groups) {
        reviewers.put(id, new Reviewer(id, Set.of(groups)));
        return this;
    }

    Reviewer get(String id) {
        return reviewers.get(id);
    }

    @Override
    public Optional<Agent> agentByKey(String apiKey) {
        return Optional.empty();
    }

    @Override
    public Optional<Reviewer> reviewerByToken(String token) {
        return Optional.empty();
    }

    @Override
    public Optional<Reviewer> reviewer(String id) {
        return Optional.ofNullable(reviewers.get(id));
    }

    @Override
    public Optional<Reviewer> reviewerByContact(String channel, String address) {
        return Optional.empty();
    }

    @Override
    public List<Reviewer> reviewersIn(Collection<String> groups) {
        return reviewers.values().stream().filter(r -> r.groups().stream().anyMatch(groups::contains)).toList();
    }
}
