package io.countersign.siem.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.siem.standin.HecStandIn;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HecTransportTest {

    private static HecTransport hec(HecStandIn standIn, String token, boolean ack, Duration ackTimeout) {
        return new HecTransport(new HecTransport.Options(URI.create(standIn.baseUrl()), token, ack, "audit",
                "countersign:ocsf", "countersign:o", "node", true, ackTimeout, Duration.ofMillis(5),
                Duration.ofSeconds(5)), HttpClient.newHttpClient());
    }

    private static List<SiemEvent> events(long from, int count) {
        List<SiemEvent> events = new ArrayList<>();
        for (long seq = from; seq < from + count; seq++) {
            events.add(new SiemEvent(seq, "sha256:" + seq, Instant.ofEpochMilli(1_765_000_000_123L), "t", 1,
                    "{\"seq\":" + seq + "}"));
        }
        return events;
    }

    @Test
    void withAckABatchIsConfirmedOnlyOnceIndexed() throws IOException {
        try (HecStandIn standIn = HecStandIn.start("tok", true)) {
            standIn.indexAfter(3);
            HecTransport transport = hec(standIn, "tok", true, Duration.ofSeconds(5));
            assertEquals(10, transport.send(events(0, 10)));
            assertEquals(10, standIn.events().size());
            JsonNode first = standIn.events().get(0);
            assertEquals(0, first.at("/fields/seq").asLong());
            assertEquals("sha256:0", first.at("/fields/hash").asText());
            assertEquals(0, first.at("/event/seq").asLong(), "OCSF and JSON events are objects, not strings");
            assertEquals(1765000000.123, first.get("time").asDouble(), 0.0005);
            assertEquals("audit", first.get("index").asText());
            assertEquals(0, standIn.refused());
        }
    }

    @Test
    void aLargeBatchIsSplitIntoRequestsUnderSplunksLimit() throws IOException {
        try (HecStandIn standIn = HecStandIn.start("tok", true)) {
            HecTransport transport = hec(standIn, "tok", true, Duration.ofSeconds(5));
            List<SiemEvent> big = new ArrayList<>();
            for (long seq = 0; seq < 40; seq++) {
                big.add(new SiemEvent(seq, "h", Instant.EPOCH, "t", 1, "{\"pad\":\"" + "x".repeat(20_000) + "\"}"));
            }
            assertEquals(40, transport.send(big));
            assertEquals(3, standIn.eventRequests(), "800 kB in requests of at most 300,000 characters");
            assertEquals(40, standIn.events().size());
        }
    }

    @Test
    void aLostBatchIsNotConfirmed() throws IOException {
        try (HecStandIn standIn = HecStandIn.start("tok", true)) {
            standIn.indexAfter(1_000_000);
            HecTransport transport = hec(standIn, "tok", true, Duration.ofMillis(200));
            IOException e = assertThrows(IOException.class, () -> transport.send(events(0, 3)));
            assertTrue(e.getMessage().contains("did not acknowledge"), e.getMessage());
            assertEquals(3, standIn.loseUnindexed());
            assertEquals(0, standIn.events().size());
        }
    }

    @Test
    void unavailableIsRetryLaterWithItsRetryAfter() throws IOException {
        try (HecStandIn standIn = HecStandIn.start("tok", false)) {
            standIn.unavailable(true);
            HecTransport transport = hec(standIn, "tok", false, Duration.ofSeconds(1));
            IOException e = assertThrows(IOException.class, () -> transport.send(events(0, 1)));
            assertInstanceOf(Transport.RetryLater.class, e);
            assertEquals(1000, ((Transport.RetryLater) e).millis());
            standIn.unavailable(false);
            assertEquals(1, transport.send(events(0, 1)));
        }
    }

    @Test
    void theStandInEnforcesTokenAndChannel() throws Exception {
        try (HecStandIn standIn = HecStandIn.start("tok", true)) {
            IOException wrong = assertThrows(IOException.class,
                    () -> hec(standIn, "other", true, Duration.ofSeconds(1)).send(events(0, 1)));
            assertTrue(wrong.getMessage().contains("403"), wrong.getMessage());
            // a client that does not send the channel header while ack is on is refused
            IOException noChannel = assertThrows(IOException.class,
                    () -> hec(standIn, "tok", false, Duration.ofSeconds(1)).send(events(0, 1)));
            assertTrue(noChannel.getMessage().contains("400"), noChannel.getMessage());
            assertEquals(2, standIn.refused());
        }
    }
}
