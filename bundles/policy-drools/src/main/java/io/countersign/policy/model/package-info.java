/**
 * The facts that compliance authors write DRL rules against. A rule matches one {@link ActionFact}
 * and calls its decision methods in the consequence; see {@code rules/README.md}.
 */
@Export
@Version("0.1.0")
package io.countersign.policy.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
