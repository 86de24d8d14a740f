package io.countersign.console.internal;

import io.countersign.api.Checkpoints;
import io.countersign.api.EvidenceBundles;
import io.countersign.api.Journal;

/** What the auditor views read: the journal (searched by time), its signed checkpoints, and evidence bundles. */
record AuditTrail(Journal journal, Checkpoints checkpoints, EvidenceBundles evidence) {
}
