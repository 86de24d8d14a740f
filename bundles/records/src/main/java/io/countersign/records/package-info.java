/** Change records: what happened to one request, each fact with the journal seq and entry hash it comes from. */
@Export
@Version("0.1.0")
package io.countersign.records;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
