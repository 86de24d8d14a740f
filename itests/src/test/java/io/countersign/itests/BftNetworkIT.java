package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * The production-like network (four BFT orderers; the operator's and the compliance organisation's peers, both of
 * which must endorse): every anchoring transaction carries both endorsements, the chaincode refuses gaps, overlaps
 * and forged checkpoints on the real network, and the channel still commits with one orderer stopped.
 */
@org.junit.FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class BftNetworkIT {

    private static FabricNetwork network;
    private static FabricClient client;
    private static AnchorLog log;

    @BeforeClass
    public static void startTheNetwork() throws Exception {
        network = FabricNetwork.bft(Path.of("target/fabric-bft").toAbsolutePath()).upFresh();
        client = new FabricClient(network.connectionJson());
        log = new AnchorLog("bft-it/" + UUID.randomUUID());
        registerKeysOnceDiscoveryKnowsBothOrganisations();
        log.append(300);
    }

    /**
     * The Gateway finds the compliance organisation's endorser through discovery, which learns of it by gossip a few
     * seconds after the network starts; until then a submit cannot satisfy the endorsement policy.
     */
    private static void registerKeysOnceDiscoveryKnowsBothOrganisations() throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try {
                client.submit("RegisterKeys", log.keyListing());
                return;
            } catch (org.hyperledger.fabric.client.EndorseException e) {
                if (System.nanoTime() > deadline || !String.valueOf(e.getMessage()).contains("endorsement policy")) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    @AfterClass
    public static void stopTheNetwork() throws Exception {
        if (client != null) {
            client.close();
        }
        if (network != null) {
            network.down();
        }
    }

    @Test
    public void a_bothOrganisationsEndorseEveryAnchor() throws Exception {
        FabricClient.Committed committed = client.submit("Anchor", log.batch(0, 100));
        assertEquals(List.of("ComplianceMSP", "OperatorMSP"), client.endorsers(committed.txId()).stream().sorted()
                .toList());
        assertEquals(0, client.validationCode(committed.txId()));
        assertEquals(100, client.evaluate("Head", log.origin).get("size").asLong());
        assertEquals(committed.txId(), client.evaluate("SegmentOf", log.origin, "99").get("txId").asText());
    }

    @Test
    public void b_theChaincodeRefusesAGapAnOverlapAndAForgedCheckpoint() throws Exception {
        String gap = client.refusal("Anchor", log.batch(101, 150));
        assertTrue(gap, gap.contains("gap: ") && gap.contains("100"));
        String overlap = client.refusal("Anchor", log.batch(50, 150));
        assertTrue(overlap, overlap.contains("overlap: "));
        String forged = client.refusal("Anchor", log.batch(100, 150, log.checkpoint(150, new byte[32])));
        assertTrue(forged, forged.contains("root-mismatch: "));
        String tampered = log.checkpoint(150, log.root(150)).replace("\n150\n", "\n149\n");
        String badSignature = client.refusal("Anchor", log.batch(100, 149, tampered));
        assertTrue(badSignature, badSignature.contains("bad-checkpoint: ") && badSignature.contains("does not verify"));
        assertEquals("nothing was written", 100, client.evaluate("Head", log.origin).get("size").asLong());
    }

    @Test
    public void c_theNetworkCommitsWithOneOrdererStopped() throws Exception {
        network.stop("orderer3");
        try {
            FabricClient.Committed committed = client.submit("Anchor", log.batch(100, 200));
            assertEquals(0, client.validationCode(committed.txId()));
            assertEquals(2, client.endorsers(committed.txId()).size());
            assertEquals(200, client.evaluate("Head", log.origin).get("size").asLong());
        } finally {
            network.start("orderer3");
        }
        FabricClient.Committed afterRestart = client.submit("Anchor", log.batch(200, 300));
        assertEquals(0, client.validationCode(afterRestart.txId()));
    }
}
