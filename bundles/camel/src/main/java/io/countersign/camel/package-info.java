/** What a review channel bundle contributes to Countersign's one Camel context, and the failures it reports. */
@Export
@Version("0.2.0")
package io.countersign.camel;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
