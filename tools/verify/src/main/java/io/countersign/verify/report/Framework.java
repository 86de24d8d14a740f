package io.countersign.verify.report;

import java.util.List;
import java.util.Locale;

/**
 * The control frameworks a report maps to, and for each control what in Countersign supports it and which figures
 * of the period show it operating. The wording is ours; the control ids are the frameworks'.
 */
enum Framework {
    SOC2("soc2", "SOC 2 (2017 Trust Services Criteria)", List.of(
            new Control("CC6.1", "Logical access security over protected information assets",
                    "Every privileged action is asked for before it runs; the grant that lets it run is bound to the "
                            + "digest of that exact action, single-use and expiring.",
                    List.of("requests.total", "events.grants.issued", "events.grants.consumed",
                            "events.grants.refused.action-mismatch", "events.grants.refused.already-consumed")),
            new Control("CC6.2", "Access is authorised before it is granted",
                    "The policy decides every request; those it sends to review are approved by the required "
                            + "number of reviewers of the required groups before a grant exists.",
                    List.of("requests.byPolicyOutcome.allow", "requests.byPolicyOutcome.review",
                            "requests.byPolicyOutcome.deny", "requests.byStatus.approved",
                            "requests.byStatus.denied", "requests.byStatus.expired")),
            new Control("CC6.3", "Access is authorised, changed or removed by role, with segregation of duties",
                    "Reviewers act only for the groups they belong to; the agent and the humans it acts for may "
                            + "never approve their own request.",
                    List.of("events.reviews.refused.self-approval", "events.reviews.refused.not-eligible",
                            "events.reviews.accepted.approve", "events.reviews.accepted.deny")),
            new Control("CC8.1", "Changes are authorised, tested and approved before implementation",
                    "A policy change is tested, reviewed by its approvers and activated only after approval; every "
                            + "activation is journaled with who approved it.",
                    List.of("events.policy.proposed", "events.policy.activations"))),
            "SOC 2"),
    ISO27001("iso27001", "ISO/IEC 27001:2022 Annex A", List.of(
            new Control("A.5.15", "Access control",
                    "Rules written by compliance staff decide which actions need whose approval.",
                    List.of("requests.total", "requests.byPolicyOutcome.review", "requests.byPolicyOutcome.deny")),
            new Control("A.5.18", "Access rights",
                    "Access to run an action is granted per request, bound to it, single-use and expiring; standing "
                            + "approvals are bounded in time and uses.",
                    List.of("events.grants.issued", "events.standing.granted", "events.standing.used",
                            "events.standing.exhausted")),
            new Control("A.8.2", "Privileged access rights",
                    "Privileged actions (privilege changes, production data, deletions) go to review; break-glass "
                            + "use is journaled and reviewed afterwards.",
                    List.of("requests.byStatus.approved", "events.breakGlass.invoked", "events.breakGlass.allowed",
                            "exceptions.break-glass-unreviewed")),
            new Control("A.8.15", "Logging",
                    "Every request, decision, review, grant and execution is an entry of a hash-chained, "
                            + "Merkle-tree journal with signed checkpoints; this report's evidence bundle verifies.",
                    List.of("log.checkpointSize", "events.executions.success", "events.executions.failure")),
            new Control("A.8.32", "Change management",
                    "Policy changes are proposed, tested, approved and activated with their approvers journaled.",
                    List.of("events.policy.proposed", "events.policy.activations"))),
            "ISO 27001"),
    NIST_800_53("nist-800-53", "NIST SP 800-53 Rev. 5", List.of(
            new Control("AC-5", "Separation of duties",
                    "No self-approval; quorums of distinct reviewers from required groups.",
                    List.of("events.reviews.refused.self-approval", "events.reviews.refused.not-eligible",
                            "events.reviews.accepted.approve")),
            new Control("AC-6(9)", "Log use of privileged functions",
                    "Every privileged action's request, approval, grant use and execution result are journaled.",
                    List.of("requests.total", "events.grants.consumed", "events.executions.success",
                            "events.executions.failure")),
            new Control("AU-9(3)", "Cryptographic protection of audit information",
                    "Entries are hash-chained and in a Merkle tree; checkpoints are signed with Ed25519.",
                    List.of("log.checkpointSize")),
            new Control("AU-10", "Non-repudiation",
                    "Each vote is journaled with the reviewer, the channel and what the channel verified; grants "
                            + "are signed.",
                    List.of("events.reviews.accepted.approve", "events.reviews.accepted.deny",
                            "events.grants.issued")),
            new Control("CM-3", "Configuration change control",
                    "Policy changes are proposed, tested and approved before activation.",
                    List.of("events.policy.proposed", "events.policy.activations")),
            new Control("CM-5", "Access restrictions for change",
                    "Only approved policy changes activate; who approved each is journaled.",
                    List.of("events.policy.activations"))),
            "NIST 800-53");

    /** A control and the figures that show it operating in the period. */
    record Control(String id, String title, String support, List<String> figures) {
    }

    private final String id;
    private final String title;
    private final List<Control> controls;
    private final String shortName;

    Framework(String id, String title, List<Control> controls, String shortName) {
        this.id = id;
        this.title = title;
        this.controls = controls;
        this.shortName = shortName;
    }

    String id() {
        return id;
    }

    String title() {
        return title;
    }

    String shortName() {
        return shortName;
    }

    List<Control> controls() {
        return controls;
    }

    static Framework parse(String id) {
        for (Framework framework : values()) {
            if (framework.id.equals(id.toLowerCase(Locale.ROOT))) {
                return framework;
            }
        }
        throw new IllegalArgumentException("unknown framework " + id + ": soc2, iso27001 or nist-800-53");
    }
}
