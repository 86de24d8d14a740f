/** Notifications sent to reviewers through the review channels, and the record of their delivery. */
@Export
@Version("0.1.0")
package io.countersign.api.notify;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
