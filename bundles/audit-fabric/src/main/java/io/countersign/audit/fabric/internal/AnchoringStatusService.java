package io.countersign.audit.fabric.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.LedgerAnchoring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

/** The anchoring status for other bundles (the console's ledger page), in the form {@link AnchorsRoute} serves it. */
@Component(service = LedgerAnchoring.class, configurationPid = FabricAnchoring.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class AnchoringStatusService implements LedgerAnchoring {

    private final AnchoringStatus anchoring;

    @Activate
    public AnchoringStatusService(@Reference AnchoringStatus anchoring) {
        this.anchoring = anchoring;
    }

    @Override
    public ObjectNode status() {
        return AnchorsRoute.toJson(anchoring.status());
    }
}
