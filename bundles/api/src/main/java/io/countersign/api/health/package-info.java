/**
 * Whether this node can do its work now: the components that can stop it (the journal, the policy) each register a
 * {@link io.countersign.api.health.ReadinessCheck}, and the health endpoints report them.
 */
@Export
@Version("0.1.0")
package io.countersign.api.health;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
