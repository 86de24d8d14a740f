/** Countersign's shared records and service interfaces. */
@Export
@Version("0.5.0")
package io.countersign.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
