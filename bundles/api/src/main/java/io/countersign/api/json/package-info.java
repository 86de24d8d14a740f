/** Canonical JSON (RFC 8785) and the action digest defined over it. */
@Export
@Version("0.1.0")
package io.countersign.api.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
