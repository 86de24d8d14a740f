package io.countersign.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a surface reports a caller it refused before any request, review or channel callback was involved: an
 * unknown or missing API key or reviewer token, a valid credential used for what it may not do, a body too large, a
 * client that was rate-limited. Journaled as {@code access.refused} (so every SIEM sink, evidence bundle and anchor
 * carries it), aggregated per surface and code: beyond a bounded number per window the refusals are counted, and the
 * count is journaled with the next entry of that surface and code or when the window closes. Refusals a channel
 * already journals ({@code channel.refused}) are not reported here again.
 * <p>
 * Callers are unauthenticated and may flood, so {@link #refused} never blocks, never throws and never waits for the
 * journal; the client address is journaled only as a keyed hash (a per-installation key), and nothing the caller
 * presented (a token, a key, a body) is ever passed in.
 */
@ProviderType
public interface SecurityEvents {

    /** The journal entry type of a refusal. */
    String ENTRY_TYPE = "access.refused";

    /**
     * Reports one refusal.
     *
     * @param surface       what refused it, a constant of the caller: {@code intake-rest}, {@code intake-mcp}, …
     * @param code          a stable machine-readable reason, e.g. {@code credential-unknown}, {@code not-permitted}
     * @param status        the HTTP status answered (401, 403, 413, 429, …)
     * @param detail        a sentence for the auditor; never a credential or anything the caller sent
     * @param clientAddress the peer's address as the server saw it, or {@code null}; only its keyed hash is kept
     */
    void refused(String surface, String code, int status, String detail, String clientAddress);
}
