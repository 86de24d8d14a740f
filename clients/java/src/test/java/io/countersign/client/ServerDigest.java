package io.countersign.client;

/** Digests the server computed (io.countersign.api.json.ActionDigest), to check the client's against. */
final class ServerDigest {

    /** data.export of warehouse.customers in production, {rows: 50000, containsPii: true, ratio: 0.25}, for alice. */
    static final String OF_EXPORT_BY_ANALYTICS_AGENT =
            "sha256:a01990548d230d3f508a0788771209e47ec292e984e33e065ac095b4e4cab137";

    private ServerDigest() {
    }
}
