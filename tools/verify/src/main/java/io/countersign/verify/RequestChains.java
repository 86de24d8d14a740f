package io.countersign.verify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The chain rules of §6 that link entries of one request, checked in journal order. A chain whose
 * {@code request.received} is not in the bundle is partial: only the rules whose entries are present apply.
 * A range bundle holds hundreds of thousands of requests, so a request that can change no more (denied,
 * expired or executed) shrinks to a {@link Finished} record: after that any entry but a refusal breaks a rule.
 */
final class RequestChains {
    private static final String REVIEW = "REVIEW";
    private static final String ALLOW = "ALLOW";
    private static final long NONE = -1;

    private final Findings findings;
    private final boolean keepSteps;
    private final Map<String, RequestState> open = new HashMap<>();
    private final Map<String, Finished> finished = new HashMap<>();
    /** Requests in order of their first entry: all of them when steps are kept, else only the partial ones. */
    private final List<String> listed = new ArrayList<>();
    private int requestCount;
    private final Map<String, GrantState> grants = new HashMap<>();
    /** One copy of each principal name and type: they repeat across requests that live until the end. */
    private final Map<String, String> names = new HashMap<>();
    private int grantsChecked;

    /** What is known of one request so far. */
    private static final class RequestState {
        final boolean complete;
        final long firstSeq;
        String grant;
        List<String> steps;
        String digest;
        String requester;
        List<String> onBehalfOf = List.of();
        String decision;
        boolean breakGlassInvoked;
        long decisionSeq = NONE;
        List<Review> reviews;
        String closing;
        long closingSeq = NONE;
        long grantSeq = NONE;

        RequestState(boolean complete, long firstSeq) {
            this.complete = complete;
            this.firstSeq = firstSeq;
        }

        Review reviewBy(String reviewer) {
            return reviews == null ? null : reviews.stream().filter(r -> r.reviewer.equals(reviewer)).findFirst().orElse(null);
        }

        List<String> approvers() {
            return reviews == null ? List.of() : reviews.stream().filter(Review::approve).map(Review::reviewer).sorted().toList();
        }
    }

    private record Review(String reviewer, long seq, boolean approve) {
    }

    /**
     * A request that can change no more: {@code how} and {@code seq} name the entry that finished it;
     * {@code grant} and {@code consumedSeq} are kept so that a late second use of its grant is named as such.
     */
    private record Finished(boolean complete, String how, long seq, List<String> steps, String grant, long consumedSeq) {
    }

    /** What is known of one grant so far; a grant first seen after its grant.issued knows only its request. */
    private static final class GrantState {
        final String request;
        final long issuedSeq;
        final String digest;
        final String expiresAt;
        final String agent;
        long consumedSeq = NONE;

        GrantState(String request, long issuedSeq, String digest, String expiresAt, String agent) {
            this.request = request;
            this.issuedSeq = issuedSeq;
            this.digest = digest;
            this.expiresAt = expiresAt;
            this.agent = agent;
        }
    }

    /** One request's chain as the summary shows it; {@code steps} is empty unless steps were kept. */
    record Chain(String request, boolean complete, List<String> steps) {
    }

    /** The requests seen: how many, which chains were partial, and the chains whose steps were kept. */
    record Summary(int requests, List<String> partial, List<Chain> chains) {
    }

    /** {@code keepSteps}: remember each chain's entry types for the summary (a request bundle's few chains). */
    RequestChains(Findings findings, boolean keepSteps) {
        this.findings = findings;
        this.keepSteps = keepSteps;
    }

    void accept(Entry entry) {
        String id = entry.request();
        if (id == null || entry.isKeyEntry() || EntryTypes.isAboutMessages(entry.type())) {
            return;
        }
        Finished done = finished.get(id);
        if (done != null) {
            afterFinish(new Rule(id, entry), done);
            return;
        }
        RequestState request = open.get(id);
        boolean first = request == null;
        if (first) {
            request = new RequestState(EntryTypes.REQUEST_RECEIVED.equals(entry.type()), entry.seq());
            open.put(id, request);
            requestCount++;
            if (keepSteps || !request.complete) {
                listed.add(id);
            }
        }
        if (keepSteps) {
            if (request.steps == null) {
                request.steps = new ArrayList<>();
            }
            request.steps.add(step(entry));
        }
        Rule rule = new Rule(id, entry);
        switch (entry.type()) {
            case EntryTypes.REQUEST_RECEIVED -> received(rule, request, first);
            case EntryTypes.POLICY_DECIDED -> decided(rule, request);
            case EntryTypes.REVIEW_ACCEPTED -> reviewed(rule, request);
            case EntryTypes.REQUEST_APPROVED, EntryTypes.REQUEST_DENIED, EntryTypes.REQUEST_EXPIRED -> closed(rule, request);
            case EntryTypes.GRANT_ISSUED -> issued(rule, request);
            case EntryTypes.GRANT_CONSUMED -> consumed(rule, request);
            case EntryTypes.EXECUTION_REPORTED -> executed(rule, request);
            case EntryTypes.BREAKGLASS_INVOKED -> request.breakGlassInvoked = true;
            default -> {
                // review.refused, grant.refused and types without rules change nothing
            }
        }
    }

    private void afterFinish(Rule rule, Finished done) {
        if (done.steps != null) {
            done.steps.add(step(rule.entry));
        }
        String type = rule.entry.type();
        if (EntryTypes.REVIEW_REFUSED.equals(type) || EntryTypes.GRANT_REFUSED.equals(type)) {
            return;
        }
        String grant = rule.entry.text(DataMember.GRANT);
        boolean sameGrant = done.grant != null && done.grant.equals(grant);
        String finishedBy = "the request finished (" + done.how + " at seq " + done.seq + ")";
        if (sameGrant && EntryTypes.GRANT_CONSUMED.equals(type) && done.consumedSeq != NONE) {
            rule.fail("grant " + grant + " consumed twice (first at seq " + done.consumedSeq + "), after " + finishedBy);
        } else if (sameGrant && EntryTypes.EXECUTION_REPORTED.equals(type) && EntryTypes.EXECUTION_REPORTED.equals(done.how)) {
            rule.fail("a second execution.reported for grant " + grant + " (the first is seq " + done.seq + ")");
        } else {
            rule.fail(type + " after " + finishedBy);
        }
    }

    /** The request can change no more: keep only what a later entry's failure must name. */
    private void finish(Rule rule, RequestState request) {
        open.remove(rule.request);
        GrantState grant = request.grant == null ? null : grants.remove(request.grant);
        finished.put(rule.request, new Finished(request.complete, step(rule.entry), rule.entry.seq(), request.steps,
                request.grant, grant == null ? NONE : grant.consumedSeq));
    }

    private void received(Rule rule, RequestState request, boolean first) {
        if (!first) {
            rule.fail("request.received is not the first entry of the request (seq " + request.firstSeq + " came before)");
            return;
        }
        EntryData data = rule.entry.data();
        request.digest = data.text(DataMember.DIGEST);
        request.requester = name(data.requester());
        request.onBehalfOf = data.onBehalfOf().stream().map(this::name).toList();
    }

    private void decided(Rule rule, RequestState request) {
        if (request.decisionSeq != NONE) {
            rule.fail("a second policy.decided (the first is seq " + request.decisionSeq + "); there must be exactly one");
            return;
        }
        String outcome = rule.entry.text(DataMember.OUTCOME);
        if (!ALLOW.equals(outcome) && !REVIEW.equals(outcome) && !"DENY".equals(outcome)) {
            rule.fail("outcome " + outcome + " is not ALLOW, DENY or REVIEW");
        }
        request.decision = name(outcome);
        request.decisionSeq = rule.entry.seq();
        if (rule.entry.data().has(DataMember.BREAK_GLASS)) {
            // Break-glass: the policy allowed it (breakGlassAllowed), the caller invoked it first, and the request
            // is allowed at once, so the chain continues as after an ALLOW.
            if (!rule.entry.data().has(DataMember.BREAK_GLASS_ALLOWED)) {
                rule.fail("a break-glass decision without breakGlassAllowed: the policy did not allow break-glass");
            }
            if (!"allowed".equals(rule.entry.text(DataMember.STATUS))) {
                rule.fail("a break-glass decision must have status allowed");
            }
            if (!request.breakGlassInvoked) {
                rule.fail("a break-glass decision without a breakglass.invoked entry before it");
            }
            request.decision = ALLOW;
        }
        if ("DENY".equals(outcome)) {
            finish(rule, request);
        }
    }

    private void reviewed(Rule rule, RequestState request) {
        requireReviewDecision(rule, request, "review.accepted");
        if (request.closingSeq != NONE) {
            rule.fail("review.accepted after the request closed (" + request.closing + " at seq " + request.closingSeq + ")");
        }
        rule.digestUnchanged(request.digest, "the request's");
        String reviewer = rule.entry.text(DataMember.REVIEWER);
        if (reviewer == null) {
            rule.fail("data.reviewer is not a string");
            return;
        }
        Review earlier = request.reviewBy(reviewer);
        if (earlier != null) {
            rule.fail("a second review by " + reviewer + " (the first is seq " + earlier.seq + ")");
        }
        if (reviewer.equals(request.requester)) {
            rule.fail("review by the requester " + reviewer);
        } else if (request.onBehalfOf.contains(reviewer)) {
            rule.fail("review by " + reviewer + ", on whose behalf the request was made");
        }
        String verdict = rule.entry.text(DataMember.VERDICT);
        if (!"approve".equals(verdict) && !"deny".equals(verdict)) {
            rule.fail("verdict " + verdict + " is not approve or deny");
        }
        if (earlier == null) {
            if (request.reviews == null) {
                request.reviews = new ArrayList<>(2);
            }
            request.reviews.add(new Review(name(reviewer), rule.entry.seq(), "approve".equals(verdict)));
        }
    }

    private void closed(Rule rule, RequestState request) {
        if (request.closingSeq != NONE) {
            rule.fail("a second closing entry (" + request.closing + " at seq " + request.closingSeq + ")");
            return;
        }
        requireReviewDecision(rule, request, rule.entry.type());
        request.closing = name(rule.entry.type());
        request.closingSeq = rule.entry.seq();
        if (!EntryTypes.REQUEST_APPROVED.equals(rule.entry.type())) {
            finish(rule, request);
        }
    }

    private void requireReviewDecision(Rule rule, RequestState request, String what) {
        if (request.decision != null && !REVIEW.equals(request.decision)) {
            rule.fail(what + " after a " + request.decision + " decision; only REVIEW requests are reviewed and closed");
        } else if (request.decision == null && request.complete) {
            rule.fail(what + " before policy.decided");
        }
    }

    private void issued(Rule rule, RequestState request) {
        grantsChecked++;
        if (request.grantSeq != NONE) {
            rule.fail("a second grant.issued (the first is seq " + request.grantSeq + "); at most one per request");
            return;
        }
        request.grantSeq = rule.entry.seq();
        boolean allowed = ALLOW.equals(request.decision) || EntryTypes.REQUEST_APPROVED.equals(request.closing);
        if (!allowed && (request.complete || request.decision != null)) {
            rule.fail("grant.issued without a policy ALLOW or a request.approved before it");
        }
        rule.digestUnchanged(request.digest, "the request's");
        checkApprovers(rule, request);
        String agent = rule.entry.text(DataMember.AGENT);
        if (agent == null && rule.entry.data().has(DataMember.AGENT)) {
            rule.fail("data.agent is not a string");
        } else if (agent != null && request.requester != null && !agent.equals(request.requester)) {
            rule.fail("the grant is for agent " + agent + " but action.requester is " + request.requester);
        }
        String grant = rule.entry.text(DataMember.GRANT);
        if (grant == null) {
            return;
        }
        GrantState existing = grants.get(grant);
        if (existing != null) {
            rule.fail("grant " + grant + " was already issued at seq " + existing.issuedSeq);
            return;
        }
        request.grant = grant;
        grants.put(grant, new GrantState(rule.request, rule.entry.seq(), rule.entry.text(DataMember.DIGEST),
                rule.entry.text(DataMember.EXPIRES_AT), agent != null ? name(agent) : request.requester));
    }

    /** Approvers are known once the decision is: none for ALLOW, else the approving reviews that follow it. */
    private static void checkApprovers(Rule rule, RequestState request) {
        List<String> approvers = rule.entry.data().texts(DataMember.APPROVERS);
        if (approvers == null || !approvers.equals(approvers.stream().sorted().toList())) {
            rule.fail("approvers " + approvers + " is not a sorted list of reviewer ids");
        } else if ((request.complete || request.decision != null) && !approvers.equals(request.approvers())) {
            rule.fail("approvers " + approvers + " are not the reviewers whose approvals were accepted, "
                    + request.approvers());
        }
    }

    private void consumed(Rule rule, RequestState request) {
        GrantState grant = grantOf(rule, request, "grant.consumed");
        if (grant == null) {
            return;
        }
        if (grant.consumedSeq != NONE) {
            rule.fail("grant " + rule.entry.text(DataMember.GRANT) + " consumed twice (first at seq " + grant.consumedSeq + ")");
            return;
        }
        grant.consumedSeq = rule.entry.seq();
        rule.digestUnchanged(grant.digest, "the grant's");
        String at = rule.entry.text(DataMember.AT);
        if (time(at, Long.MIN_VALUE) > time(grant.expiresAt, Long.MAX_VALUE)) {
            rule.fail("consumed at " + at + ", after the grant expired at " + grant.expiresAt);
        }
        String by = rule.entry.text(DataMember.BY);
        if (grant.agent != null && !grant.agent.equals(by)) {
            rule.fail("consumed by " + by + " but the grant is for agent " + grant.agent);
        }
    }

    private void executed(Rule rule, RequestState request) {
        GrantState grant = grantOf(rule, request, "execution.reported");
        if (grant == null) {
            return;
        }
        if (grant.consumedSeq == NONE && grant.issuedSeq != NONE) {
            rule.fail("execution.reported before grant " + rule.entry.text(DataMember.GRANT) + " was consumed");
        }
        rule.digestUnchanged(grant.digest, "the grant's");
        finish(rule, request);
    }

    /**
     * The grant an entry names. An unknown grant is a failure in a complete chain; in a partial one its
     * grant.issued may lie before the bundle, so the grant is tracked from here on to catch a second use.
     */
    private GrantState grantOf(Rule rule, RequestState request, String what) {
        String id = rule.entry.text(DataMember.GRANT);
        if (id == null) {
            rule.fail("data.grant is not a string");
            return null;
        }
        GrantState grant = grants.get(id);
        if (grant == null) {
            if (request.complete) {
                rule.fail(what + " names grant " + id + ", which was not issued for this request before it");
            }
            grant = new GrantState(rule.request, NONE, null, null, null);
            grants.put(id, grant);
            if (request.grant == null) {
                request.grant = id;
            }
        } else if (!grant.request.equals(rule.request)) {
            rule.fail(what + " names grant " + id + " of request " + grant.request);
            return null;
        }
        return grant;
    }

    private String name(String text) {
        if (text == null) {
            return null;
        }
        String known = names.putIfAbsent(text, text);
        return known != null ? known : text;
    }

    /** The instant in nanoseconds, or {@code otherwise} when it is missing or malformed (reported elsewhere). */
    private static long time(String text, long otherwise) {
        try {
            return text == null ? otherwise : JournalTime.parse(text);
        } catch (IllegalArgumentException e) {
            return otherwise;
        }
    }

    private static String step(Entry entry) {
        String outcome = entry.text(DataMember.OUTCOME);
        return EntryTypes.POLICY_DECIDED.equals(entry.type()) && outcome != null ? entry.type() + "(" + outcome + ")" : entry.type();
    }

    /** Failures found while checking one entry against its request. */
    private final class Rule {
        final String request;
        final Entry entry;

        Rule(String request, Entry entry) {
            this.request = request;
            this.entry = entry;
        }

        void fail(String reason) {
            findings.add(Failure.atRequest("rules", request, entry.seq(), reason));
        }

        void digestUnchanged(String expected, String whose) {
            String digest = entry.text(DataMember.DIGEST);
            if (expected != null && !expected.equals(digest)) {
                fail(entry.type() + " digest " + digest + " differs from " + whose + " " + expected);
            }
        }
    }

    Summary summary() {
        List<String> partial = new ArrayList<>();
        List<Chain> chains = new ArrayList<>();
        for (String id : listed) {
            RequestState state = open.get(id);
            Finished done = finished.get(id);
            boolean complete = state != null ? state.complete : done.complete;
            if (!complete) {
                partial.add(id);
            }
            if (keepSteps) {
                chains.add(new Chain(id, complete, List.copyOf(state != null ? state.steps : done.steps)));
            }
        }
        return new Summary(requestCount, List.copyOf(partial), List.copyOf(chains));
    }

    boolean hasReceived(String request) {
        RequestState state = open.get(request);
        Finished done = finished.get(request);
        return state != null ? state.complete : done != null && done.complete;
    }

    int grantsChecked() {
        return grantsChecked;
    }
}
