package io.countersign.channel.teams.internal;

import io.countersign.api.Agent;
import io.countersign.api.Directory;
import io.countersign.api.Reviewer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reviewers found by their contacts only, exactly as given. */
final class FakeDirectory implements Directory {

    private final List<Reviewer> reviewers;

    FakeDirectory(Reviewer... reviewers) {
        this.reviewers = List.of(reviewers);
    }

    @Override
    public Optional<Reviewer> reviewerByContact(String channel, String address) {
        return reviewers.stream().filter(r -> address.equals(r.contact(channel))).findFirst();
    }

    @Override
    public Optional<Reviewer> reviewer(String id) {
        return reviewers.stream().filter(r -> r.id().equals(id)).findFirst();
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
    public List<Reviewer> reviewersIn(Collection<String> groups) {
        return reviewers.stream().filter(r -> r.groups().stream().anyMatch(groups::contains)).toList();
    }

    static Reviewer reviewer(String id, String aadObjectId) {
        return new Reviewer(id, java.util.Set.of("data-owners"), Map.of("teams", aadObjectId,
                "email", id + "@example.com"));
    }
}
