package io.countersign.examples.filedrop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.Verdict;
import io.countersign.api.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DropsTest {

    private static Drops.RequestDrop request(String json) throws Exception {
        return Drops.request(StrictJson.parseObject(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aRequestDropCarriesTheKeyAndTheAction() throws Exception {
        Drops.RequestDrop drop = request("{\"agentKey\":\"k\",\"action\":\"db.query\",\"resource\":\"r\","
                + "\"environment\":\"staging\",\"onBehalfOf\":\"alice\",\"justification\":\"j\"}");
        assertEquals("k", drop.agentKey());
        assertEquals("db.query", drop.submission().action());
        assertEquals(List.of("alice"), drop.submission().onBehalfOf());
        assertTrue(drop.submission().parameters().isObject(), "no parameters are an empty object");
    }

    @Test
    void unknownFieldsAndMissingOnesAreRefused_namingTheField() {
        Drops.InvalidDrop unknown = assertThrows(Drops.InvalidDrop.class, () -> request("{\"agentKey\":\"k\","
                + "\"action\":\"a\",\"resource\":\"r\",\"environment\":\"e\",\"justification\":\"j\",\"breakGlass\":{}}"));
        assertTrue(unknown.getMessage().contains("'breakGlass'"), unknown.getMessage());
        Drops.InvalidDrop missing = assertThrows(Drops.InvalidDrop.class, () -> request("{\"action\":\"a\"}"));
        assertTrue(missing.getMessage().contains("'/agentKey'"), missing.getMessage());
    }

    @Test
    void aReviewDropNeedsAVerdictItKnows() throws Exception {
        String json = "{\"reviewerToken\":\"t\",\"request\":\"r1\",\"digest\":\"sha256:00\",\"verdict\":\"%s\"}";
        assertEquals(Verdict.DENY, Drops.review(StrictJson.parseObject(json.formatted("deny")
                .getBytes(StandardCharsets.UTF_8))).verdict());
        assertThrows(Drops.InvalidDrop.class, () -> Drops.review(StrictJson.parseObject(json.formatted("maybe")
                .getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void onlyCompleteDropsAreRead_notTheFilesBeingWritten(@TempDir Path inbox) throws Exception {
        Files.writeString(inbox.resolve("done.json"), "{}");
        Files.writeString(inbox.resolve(".writing.json.tmp"), "{");
        Files.writeString(inbox.resolve(".hidden.json"), "{}");
        Files.writeString(inbox.resolve("notes.txt"), "");
        assertEquals(List.of(inbox.resolve("done.json")), DropFolders.drops(inbox));
        assertEquals("done", DropFolders.key(inbox.resolve("done.json")));
    }
}
