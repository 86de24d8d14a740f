package io.countersign.channel.email.internal;

import io.countersign.api.Agent;
import io.countersign.api.Directory;
import io.countersign.api.Reviewer;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Reviewers by id; contacts compared as the real directory does (email without regard to case). */
final class FakeDirectory implements Directory {

    final Map<String, Reviewer> reviewers = new ConcurrentHashMap<>();

    FakeDirectory(Reviewer... reviewers) {
        for (Reviewer reviewer : reviewers) {
            this.reviewers.put(reviewer.id(), reviewer);
        }
    }

    @Override
    public Optional<Reviewer> reviewerByContact(String channel, String address) {
        return reviewers.values().stream().filter(r -> r.contact(channel) != null
                && r.contact(channel).toLowerCase(Locale.ROOT).equals(address.toLowerCase(Locale.ROOT))).findFirst();
    }

    @Override
    public Optional<Reviewer> reviewer(String id) {
        return Optional.ofNullable(reviewers.get(id));
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
        return reviewers.values().stream().filter(r -> r.groups().stream().anyMatch(groups::contains)).toList();
    }
}
