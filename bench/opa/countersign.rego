# The default rule pack (rules/*.drl) written in Rego, for the side-by-side benchmark with a bare OPA server
# (./countersign bench --compare opa). OpaEquivalenceTest runs every case of rules/tests/*.yaml through both and
# requires the same outcome, quorums, timeout, break-glass allowance and step-up.
#
# Input: {"action", "resource", "environment", "justification", "parameters": {...}}
# Query: data.countersign.decision -> {"outcome", "reasons", "rules", "quorums", "timeoutSeconds",
#                                       "breakGlassSeconds", "stepUp"}
package countersign

default_review_timeout_seconds := 3600

known_actions := {
	"db.query", "db.write", "db.delete", "data.export", "iam.role.change",
	"privilege.escalate", "iam.admin.grant", "network.security_group.change",
}

# ActionFact.isProduction: every environment but staging and development is treated as production
production if not input.environment in {"staging", "development"}

environment := input.environment

parameters := object.get(input, "parameters", {})

contains_pii if parameters.containsPii == true

contains_pii if {
	is_string(parameters.containsPii)
	lower(parameters.containsPii) == "true"
}

has_pii_declaration if "containsPii" in object.keys(parameters)

# ActionFact.getRows: a number rounded up, a string of digits, or -1 when unstated or unreadable
rows := n if {
	is_number(parameters.rows)
	n := ceil(parameters.rows)
	n >= 0
} else := n if {
	is_string(parameters.rows)
	regex.match(`^\s*\+?[0-9]{1,18}\s*$`, parameters.rows)
	n := to_number(trim_space(trim_prefix(trim_space(parameters.rows), "+")))
} else := -1

blank(text) if trim_space(text) == ""

# baseline.drl

rulings contains ruling if {
	not input.action in known_actions
	production
	ruling := review(
		"Unknown action in production needs security review", "security", 1, 3600,
		sprintf("action %s is not covered by the policy; in production it needs a security reviewer's approval", [input.action]),
	)
}

rulings contains ruling if {
	not input.action in known_actions
	not production
	ruling := review(
		"Unknown action outside production needs security review", "security", 1, 14400,
		sprintf("action %s is not covered by the policy and needs a security reviewer's approval", [input.action]),
	)
}

rulings contains ruling if {
	production
	input.action != "db.query"
	blank(input.justification)
	ruling := deny(
		"Production action without a justification is denied",
		"actions in production, other than read-only queries, need a justification a reviewer can read",
	)
}

# data-export.drl

rulings contains ruling if {
	input.action == "data.export"
	not production
	ruling := allow(
		"Export outside production is allowed",
		"exports outside production are allowed when they hold no personal data and are small",
	)
}

rulings contains ruling if {
	input.action == "data.export"
	contains_pii
	ruling := review("Export of personal data needs a data owner", "data-owners", 1, 7200,
		"export of personal data needs a data owner's approval")
}

rulings contains ruling if {
	input.action == "data.export"
	production
	ruling := review("Export from production needs a data owner", "data-owners", 1, 7200,
		"export of data from production needs a data owner's approval")
}

rulings contains ruling if {
	input.action == "data.export"
	not has_pii_declaration
	ruling := review(
		"Export without a personal-data declaration needs a data owner", "data-owners", 1, 7200,
		"export that does not say whether it holds personal data (containsPii) needs a data owner's approval",
	)
}

rulings contains ruling if {
	input.action == "data.export"
	rows > 10000
	ruling := review("Large export needs two data owners", "data-owners", 2, 14400,
		"export of more than 10,000 rows needs two data owners' approval")
}

rulings contains ruling if {
	input.action == "data.export"
	rows < 0
	ruling := review(
		"Export of unstated size needs two data owners", "data-owners", 2, 14400,
		"export that does not state its row count is treated as large and needs two data owners' approval",
	)
}

rulings contains ruling if {
	input.action == "data.export"
	contains_pii
	rows > 1000000
	ruling := deny(
		"Bulk export of personal data is denied",
		"exports of more than 1,000,000 rows of personal data are not permitted; export aggregates or a sample",
	)
}

# database.drl

rulings contains ruling if {
	input.action == "db.query"
	not production
	ruling := allow("Query outside production is allowed", "read-only queries outside production are allowed")
}

rulings contains ruling if {
	input.action == "db.query"
	production
	not contains_pii
	ruling := allow("Query in production without personal data is allowed",
		"read-only queries in production that touch no personal data are allowed")
}

rulings contains ruling if {
	input.action == "db.query"
	production
	contains_pii
	ruling := review("Query of personal data in production needs a data owner", "data-owners", 1, 3600,
		"reading personal data in production needs a data owner's approval")
}

rulings contains ruling if {
	input.action in {"db.write", "db.delete"}
	production
	some group in ["data-owners", "security"]
	ruling := review("Database change in production needs a data owner and security", group, 1, 3600,
		"changing production data needs one data owner and one security reviewer")
}

rulings contains ruling if {
	input.action == "db.write"
	not production
	ruling := allow("Database write outside production is allowed", "database writes outside production are allowed")
}

rulings contains ruling if {
	input.action == "db.delete"
	environment == "staging"
	ruling := review("Database delete in staging needs a data owner", "data-owners", 1, 14400,
		"deleting data in staging, which other teams share, needs a data owner's approval")
}

rulings contains ruling if {
	input.action == "db.delete"
	environment == "development"
	ruling := allow("Database delete in development is allowed", "database deletes in development are allowed")
}

break_glass_grants contains 600 if {
	input.action == "db.write"
	production
}

# mcp-files.drl

rulings contains ruling if {
	input.action == "files.write"
	ruling := review("File change through MCP needs a data owner", "data-owners", 1, 1800,
		"an agent changing files needs a data owner's approval")
}

rulings contains ruling if {
	input.action == "files.write"
	regex.match(`(?i)^.*(/\.ssh/.*|/\.aws/.*|/\.env|\.pem|/id_rsa.*|/id_ed25519.*|/credentials.*)$`, input.resource)
	ruling := deny(
		"File change to credentials through MCP is denied",
		sprintf("agents may not write credentials or keys (%s); no approval can allow it", [input.resource]),
	)
}

# network.drl

rulings contains ruling if {
	input.action == "network.security_group.change"
	production
	ruling := review("Firewall change in production needs security review", "security", 1, 3600,
		"security-group and firewall changes in production need a security reviewer's approval")
}

rulings contains ruling if {
	input.action == "network.security_group.change"
	environment == "staging"
	ruling := review("Firewall change in staging needs security review", "security", 1, 14400,
		"security-group and firewall changes in staging need a security reviewer's approval")
}

rulings contains ruling if {
	input.action == "network.security_group.change"
	environment == "development"
	ruling := allow("Firewall change in development is allowed",
		"security-group and firewall changes in development are allowed")
}

# privileges.drl

rulings contains ruling if {
	input.action in {"iam.role.change", "privilege.escalate"}
	ruling := review("Privilege change needs security review", "security", 1, 14400,
		"changes to roles and privileges need a security reviewer's approval")
}

rulings contains ruling if {
	input.action in {"iam.role.change", "privilege.escalate"}
	production
	ruling := review("Privilege change in production needs two security reviewers", "security", 2, 3600,
		"changes to roles and privileges in production need two security reviewers' approval")
}

break_glass_grants contains 900 if {
	input.action == "privilege.escalate"
	production
}

rulings contains ruling if {
	input.action == "iam.admin.grant"
	ruling := review("IAM administrator grant needs a security reviewer's passkey", "security", 1, 3600,
		"granting IAM administrator rights needs a security reviewer's approval, confirmed with a passkey")
}

default step_up := false

step_up if input.action == "iam.admin.grant"

# How rulings combine (PolicyEvaluator.combine): any denial denies; else any review asks for the largest approval
# count per group, by the earliest deadline asked; else any allowance allows; else nothing matched, which denies.

allow(rule, reason) := {"rule": rule, "outcome": "ALLOW", "reason": reason}

deny(rule, reason) := {"rule": rule, "outcome": "DENY", "reason": reason}

review(rule, group, approvals, deadline, reason) := {
	"rule": rule, "outcome": "REVIEW", "reason": reason,
	"group": group, "approvals": approvals, "deadline": deadline,
}

outcomes := {r.outcome | some r in rulings}

fired := sort({r.rule | some r in rulings})

reasons_of(outcome) := sort({r.reason | some r in rulings; r.outcome == outcome})

quorums := {group: max({r.approvals | some r in rulings; r.outcome == "REVIEW"; r.group == group}) |
	some r in rulings
	r.outcome == "REVIEW"
	group := r.group
}

deadlines := {r.deadline | some r in rulings; r.outcome == "REVIEW"; r.deadline != null}

timeout_seconds := min(deadlines) if count(deadlines) > 0

else := default_review_timeout_seconds

break_glass_seconds := min(break_glass_grants) if count(break_glass_grants) > 0

else := null

decision := {"outcome": "DENY", "reasons": reasons_of("DENY"), "rules": fired} if "DENY" in outcomes

else := {
	"outcome": "REVIEW", "reasons": reasons_of("REVIEW"), "rules": fired, "quorums": quorums,
	"timeoutSeconds": timeout_seconds, "breakGlassSeconds": break_glass_seconds, "stepUp": step_up,
} if "REVIEW" in outcomes

else := {"outcome": "ALLOW", "reasons": reasons_of("ALLOW"), "rules": fired, "breakGlassSeconds": break_glass_seconds} if "ALLOW" in outcomes

else := {"outcome": "DENY", "reasons": ["no rule matched this action"], "rules": fired}
