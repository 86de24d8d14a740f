package io.countersign.policy.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.Outcome;
import io.countersign.api.PolicyContext;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One action under evaluation, as rules see it. The getters are the vocabulary of rule conditions;
 * {@link #allow}, {@link #deny}, {@link #review} and {@link #deadline} are what a consequence calls
 * on the matched fact. Keeping the verdict on the fact (rather than in a separate result fact that
 * every rule joins) keeps every rule single-pattern, which is what makes evaluation O(1) in rules.
 *
 * <p>One instance serves exactly one evaluation on one thread.
 */
public final class ActionFact {

    /** A decision method call made by a rule. {@code group} and {@code approvals} are set for REVIEW only. */
    public record Ruling(Outcome outcome, String reason, String group, int approvals) {
        public Ruling {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(reason, "reason");
        }
    }

    private final String action;
    private final String resource;
    private final String environment;
    private final String requester;
    private final List<String> onBehalfOf;
    private final List<String> agentActsFor;
    private final String justification;
    private final Map<String, Object> parameters;
    private final Instant receivedAt;
    private final Map<String, Set<String>> humanGroups;
    private final Set<String> onBehalfOfGroups;
    private final long sameActionToday;
    private final long sameActionLastHour;
    private final boolean breakGlass;
    private final List<Ruling> rulings = new ArrayList<>(2);
    private Duration deadline;
    private List<Escalation> escalations;
    private List<String> channels;
    private Duration breakGlassGrant;
    private boolean stepUp;

    /** An escalation step a rule asked for (read by the engine). */
    public record Escalation(Duration after, String group) {
    }

    public ActionFact(ActionRequest request, Agent agent) {
        this(request, agent, PolicyContext.none());
    }

    public ActionFact(ActionRequest request, Agent agent, PolicyContext context) {
        this.action = request.action().action();
        this.resource = request.action().resource();
        this.environment = request.action().environment();
        this.requester = request.action().requester();
        this.onBehalfOf = request.action().onBehalfOf();
        this.agentActsFor = agent == null ? List.of() : agent.actsFor();
        this.justification = request.justification();
        this.parameters = Parameters.toMap(request.action().parameters());
        this.receivedAt = request.receivedAt();
        this.humanGroups = context.humanGroups();
        TreeSet<String> groups = new TreeSet<>();
        for (String human : onBehalfOf) {
            groups.addAll(humanGroups.getOrDefault(human, Set.of()));
        }
        this.onBehalfOfGroups = Collections.unmodifiableSet(groups);
        this.sameActionToday = context.sameActionToday();
        this.sameActionLastHour = context.sameActionLastHour();
        this.breakGlass = context.breakGlass();
    }

    public String getAction() {
        return action;
    }

    public String getResource() {
        return resource;
    }

    public String getEnvironment() {
        return environment;
    }

    /** The id of the agent that asks. */
    public String getRequester() {
        return requester;
    }

    /** The humans the agent acts for on this request, outermost first. */
    public List<String> getOnBehalfOf() {
        return onBehalfOf;
    }

    /** Every human the requesting agent may act for (from its registration). */
    public List<String> getAgentActsFor() {
        return agentActsFor;
    }

    public String getJustification() {
        return justification;
    }

    /** The request's parameters: JSON objects as maps, arrays as lists, integers as Long, decimals as Double. */
    public Map<String, Object> getParameters() {
        return parameters;
    }

    public boolean hasParameter(String name) {
        return parameters.containsKey(name);
    }

    /** {@code parameters.rows} as a whole number, or -1 when it is absent, negative or not a number. */
    public long getRows() {
        return Parameters.rows(parameters.get("rows"));
    }

    /** True only when {@code parameters.containsPii} is {@code true} (or the string "true"). */
    public boolean isContainsPii() {
        Object value = parameters.get("containsPii");
        return Boolean.TRUE.equals(value) || (value instanceof String s && s.equalsIgnoreCase("true"));
    }

    /**
     * True unless the environment is exactly {@code staging} or {@code development}: an unknown or
     * misspelt environment is treated as production, so it cannot slip past production rules.
     */
    public boolean isProduction() {
        return !"staging".equals(environment) && !"development".equals(environment);
    }

    /** The hour (0-23, UTC) at which Countersign received the request. */
    public int getHourOfDayUtc() {
        return receivedAt.atOffset(ZoneOffset.UTC).getHour();
    }

    public Instant getReceivedAt() {
        return receivedAt;
    }

    /** The ISO day of the week (1 = Monday … 7 = Sunday, UTC) on which Countersign received the request. */
    public int getDayOfWeekUtc() {
        return receivedAt.atOffset(ZoneOffset.UTC).getDayOfWeek().getValue();
    }

    /** Whether the request arrived on a Saturday or Sunday (UTC). */
    public boolean isWeekendUtc() {
        return getDayOfWeekUtc() >= 6;
    }

    /** Every directory group of every human the agent acts for on this request, as of receipt. */
    public Set<String> getOnBehalfOfGroups() {
        return onBehalfOfGroups;
    }

    /** The directory groups of one human, as of receipt; empty for a human the request does not name. */
    public Set<String> groupsOf(String human) {
        return humanGroups.getOrDefault(human, Set.of());
    }

    /** This agent's earlier requests for the same action since 00:00 UTC of the day of receipt, any outcome. */
    public long getSameActionToday() {
        return sameActionToday;
    }

    /** This agent's earlier requests for the same action in the hour before receipt, any outcome. */
    public long getSameActionLastHour() {
        return sameActionLastHour;
    }

    /** Whether the request invokes break-glass. Only a rule that calls {@link #allowBreakGlass} lets it through. */
    public boolean isBreakGlass() {
        return breakGlass;
    }

    /** This rule lets the action through, unless another rule asks for review or denies it. */
    public void allow(String reason) {
        rulings.add(new Ruling(Outcome.ALLOW, requireReason(reason), null, 0));
    }

    /** This rule forbids the action; any denial wins over every other ruling. */
    public void deny(String reason) {
        rulings.add(new Ruling(Outcome.DENY, requireReason(reason), null, 0));
    }

    /** This rule wants {@code approvals} distinct approvals from reviewers in {@code group}. */
    public void review(String group, int approvals, String reason) {
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("review needs a reviewer group");
        }
        if (approvals < 1) {
            throw new IllegalArgumentException("review of group " + group + " needs at least 1 approval, got "
                    + approvals);
        }
        rulings.add(new Ruling(Outcome.REVIEW, requireReason(reason), group, approvals));
    }

    /** How long reviewers have, as an ISO-8601 duration such as {@code PT30M}; the shortest one asked for wins. */
    public void deadline(String isoDuration) {
        Duration parsed = positiveDuration("deadline", isoDuration);
        if (deadline == null || parsed.compareTo(deadline) < 0) {
            deadline = parsed;
        }
    }

    /**
     * Escalation: if the request is still open {@code after} (an ISO-8601 duration) its receipt, reviewers in
     * {@code group} are asked too, and their approvals may fill any seat still empty.
     */
    public void escalate(String after, String group) {
        Duration parsed = positiveDuration("escalation", after);
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("escalate needs a reviewer group");
        }
        if (escalations == null) {
            escalations = new ArrayList<>(2);
        }
        escalations.add(new Escalation(parsed, group));
    }

    /** Asks reviewers on these channels only (for example {@code "email"}, {@code "slack"}); rules' lists add up. */
    public void channels(String... names) {
        if (names == null || names.length == 0) {
            throw new IllegalArgumentException("channels needs at least one channel name");
        }
        if (channels == null) {
            channels = new ArrayList<>(names.length);
        }
        for (String name : names) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a channel name cannot be blank");
            }
            channels.add(name);
        }
    }

    /**
     * Allows break-glass for this action: invoked with a reason, the action gets a grant at once that lives at most
     * {@code maxGrant} (ISO-8601); the shortest any rule allows wins. A denial still denies.
     */
    public void allowBreakGlass(String maxGrant) {
        Duration parsed = positiveDuration("break-glass grant", maxGrant);
        if (breakGlassGrant == null || parsed.compareTo(breakGlassGrant) < 0) {
            breakGlassGrant = parsed;
        }
    }

    /**
     * Step-up: an approval of this action counts only with a passkey assertion bound to the request and its action
     * digest. Applies when the action is reviewed; denials need no step-up.
     */
    public void stepUp() {
        stepUp = true;
    }

    /** Whether any rule asked for step-up (read by the engine). */
    public boolean requestedStepUp() {
        return stepUp;
    }

    /** The escalation steps rules asked for, in the order asked (read by the engine). */
    public List<Escalation> requestedEscalations() {
        return escalations == null ? List.of() : Collections.unmodifiableList(escalations);
    }

    /** The channels rules named, in the order named (read by the engine). */
    public List<String> requestedChannels() {
        return channels == null ? List.of() : Collections.unmodifiableList(channels);
    }

    /** The shortest break-glass grant any rule allowed, if any rule allowed break-glass (read by the engine). */
    public Optional<Duration> allowedBreakGlass() {
        return Optional.ofNullable(breakGlassGrant);
    }

    /** The rulings made so far, in the order the rules made them (read by the engine). */
    public List<Ruling> rulings() {
        return Collections.unmodifiableList(rulings);
    }

    /** The shortest deadline any rule asked for (read by the engine). */
    public Optional<Duration> requestedDeadline() {
        return Optional.ofNullable(deadline);
    }

    @Override
    public String toString() {
        return "ActionFact[" + action + " on " + resource + " in " + environment + " by " + requester + "]";
    }

    private static Duration positiveDuration(String what, String isoDuration) {
        Duration parsed;
        try {
            parsed = Duration.parse(Objects.requireNonNull(isoDuration, what));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + " must be an ISO-8601 duration such as PT30M, got "
                    + isoDuration, e);
        }
        if (parsed.isNegative() || parsed.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + isoDuration);
        }
        return parsed;
    }

    private static String requireReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a ruling needs a reason a reviewer can read");
        }
        return reason;
    }

    /** JSON parameters as plain Java values, the shapes DRL constraints compare naturally. */
    private static final class Parameters {
        private Parameters() {
        }

        static Map<String, Object> toMap(JsonNode object) {
            Map<String, Object> map = new LinkedHashMap<>();
            object.fields().forEachRemaining(e -> map.put(e.getKey(), toValue(e.getValue())));
            return Collections.unmodifiableMap(map);
        }

        private static Object toValue(JsonNode node) {
            if (node.isObject()) {
                return toMap(node);
            }
            if (node.isArray()) {
                List<Object> list = new ArrayList<>(node.size());
                node.forEach(item -> list.add(toValue(item)));
                return Collections.unmodifiableList(list);
            }
            if (node.isIntegralNumber()) {
                return node.canConvertToLong() ? (Object) node.longValue() : (Object) node.doubleValue();
            }
            if (node.isNumber()) {
                return node.doubleValue();
            }
            if (node.isBoolean()) {
                return node.booleanValue();
            }
            if (node.isTextual()) {
                return node.textValue();
            }
            return null;
        }

        static long rows(Object value) {
            long rows;
            if (value instanceof Long l) {
                rows = l;
            } else if (value instanceof Double d) {
                // a fractional or huge count is rounded up: never under-report an export's size
                rows = d.isNaN() ? -1 : (long) Math.ceil(d);
            } else if (value instanceof String s) {
                try {
                    rows = Long.parseLong(s.trim());
                } catch (NumberFormatException e) {
                    rows = -1;
                }
            } else {
                rows = -1;
            }
            return rows < 0 ? -1 : rows;
        }
    }
}
