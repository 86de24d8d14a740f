/** The route registry of Countersign's HTTP server and helpers for JSON and RFC 9457 answers. */
@Export
@Version("0.3.0")
package io.countersign.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
