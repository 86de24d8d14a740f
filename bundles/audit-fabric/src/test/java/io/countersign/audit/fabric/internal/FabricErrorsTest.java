package io.countersign.audit.fabric.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.util.Optional;
import org.hyperledger.fabric.client.EndorseException;
import org.hyperledger.fabric.client.GatewayException;
import org.junit.jupiter.api.Test;

class FabricErrorsTest {

    @Test
    void aChaincodeRefusalInsideThePeersMessageKeepsItsCode() {
        GatewayException e = new EndorseException("tx1", Status.ABORTED.withDescription("failed to endorse "
                + "transaction: chaincode response 500, overlap: the batch starts at entry 3 but 6 entries are "
                + "anchored already (anchored size 6)").asRuntimeException());

        FabricException error = FabricErrors.of("Anchor", e);

        assertEquals(FabricException.Kind.REFUSED, error.kind());
        assertEquals(Optional.of("overlap"), error.code());
        assertTrue(error.getMessage().contains("anchored size 6"), error.getMessage());
    }

    @Test
    void aRefusalCodeInsideAWordIsNoRefusal() {
        GatewayException e = new GatewayException(Status.INTERNAL.withDescription("no-gap: something")
                .asRuntimeException());

        assertEquals(FabricException.Kind.FAILED, FabricErrors.of("Head", e).kind());
    }

    @Test
    void timeoutsAndUnavailablePeersAreUnreachable() {
        for (Status status : new Status[] {Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED}) {
            GatewayException e = new GatewayException(status.withDescription("io exception").asRuntimeException());

            assertEquals(FabricException.Kind.UNREACHABLE, FabricErrors.of("Head", e).kind());
        }
    }
}
