package io.countersign.api;

/** What the policy decides for an action. */
public enum Outcome {
    ALLOW,
    DENY,
    REVIEW
}
