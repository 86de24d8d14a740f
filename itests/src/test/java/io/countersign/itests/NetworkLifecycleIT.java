package io.countersign.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.Test;

/**
 * {@code ledger-network/network.sh} itself, on a dev network of its own (directory {@code target/fabric-lifecycle},
 * port base 27250): {@code up} is idempotent, {@code status} tells a healthy network from a stopped one, {@code up}
 * after {@code down} starts the network again with its blocks and state, {@code up} after {@code clean} makes a new
 * one, and an orderer whose admin endpoint comes up only after the join began still joins the channel.
 */
public class NetworkLifecycleIT {

    private static final int PORT_BASE = 27250;
    private static final Path DIR = Path.of("target/fabric-lifecycle").toAbsolutePath();
    private static final Path LOG = DIR.resolveSibling(DIR.getFileName() + "-network.log");
    private static final String CHANNEL = "countersign";
    private static final Pattern NODE_LINE = Pattern.compile("^  (\\S+(?: anchors)?)\\s+(.*)$", Pattern.MULTILINE);
    private static final Pattern HEIGHT = Pattern.compile(CHANNEL + ": joined, (?:.*, )?height (\\d+)");
    private static final Pattern PID = Pattern.compile("running \\(pid (\\d+)\\)");

    @AfterClass
    public static void clean() throws Exception {
        network("clean");
    }

    @Test
    public void upStatusDownUpCleanUp() throws Exception {
        network("clean");

        Result up = succeeds("up");
        assertTrue(up.output(), up.output().contains("generating crypto material"));
        Result healthy = healthy();
        long height = height(healthy, "peer0.operator");
        assertTrue(healthy.output(), height >= 3); // the genesis block, the approval and the commit
        assertTrue(healthy.output(), line(healthy, "orderer0").contains(CHANNEL + ": joined, consenter, active"));
        assertTrue(healthy.output(), line(healthy, "chaincode anchors").startsWith("committed, version 1.0"));
        assertTrue(healthy.output(), line(healthy, "chaincode.operator").contains("answers through peer0.operator"));
        byte[] genesis = Files.readAllBytes(DIR.resolve(CHANNEL + ".block"));

        // up again on the running network: nothing restarts, nothing is written to the channel
        Result again = succeeds("up");
        assertFalse(again.output(), again.output().contains("generating"));
        Result stillHealthy = healthy();
        assertEquals(stillHealthy.output(), pids(healthy), pids(stillHealthy));
        assertEquals(stillHealthy.output(), height, height(stillHealthy, "peer0.operator"));

        // something on the channel that the restarted network must still have
        AnchorLog log = new AnchorLog("lifecycle-it/" + UUID.randomUUID());
        log.append(10);
        try (FabricClient client = new FabricClient(DIR.resolve("connection.json"))) {
            client.submit("RegisterKeys", log.keyListing());
            client.submit("Anchor", log.batch(0, 10));
        }
        height = height(healthy(), "peer0.operator");

        succeeds("down");
        Result stopped = network("status");
        assertNotEquals(stopped.output(), 0, stopped.exitCode());
        for (String node : List.of("orderer0", "peer0.operator", "chaincode.operator")) {
            assertEquals(stopped.output(), "stopped", line(stopped, node));
        }
        assertEquals(stopped.output(), "status: 3 problem(s): orderer0 stopped; peer0.operator stopped; "
                + "chaincode.operator stopped", stopped.lastLine());

        // up after down: the same network with its data (same crypto material and genesis block, same blocks)
        Result restarted = succeeds("up");
        assertFalse(restarted.output(), restarted.output().contains("generating"));
        assertArrayEquals(genesis, Files.readAllBytes(DIR.resolve(CHANNEL + ".block")));
        Result healthyAgain = healthy();
        assertTrue(healthyAgain.output(), height(healthyAgain, "peer0.operator") >= height);
        assertTrue(healthyAgain.output(), height(healthyAgain, "orderer0") >= height);
        assertNotEquals(healthyAgain.output(), pids(healthy), pids(healthyAgain));
        Result head = succeeds("query", "Head", log.origin);
        assertTrue(head.output(), head.output().replace(" ", "").contains("\"size\":10"));

        succeeds("clean");
        assertFalse(Files.exists(DIR));
        Result none = network("status");
        assertNotEquals(none.output(), 0, none.exitCode());
        assertEquals(none.output(), "status: no network (run up)", none.lastLine());

        // up after clean: a new network
        Result fresh = succeeds("up");
        assertTrue(fresh.output(), fresh.output().contains("generating crypto material"));
        healthy();
        succeeds("clean");
    }

    /**
     * The join of an orderer whose admin endpoint refuses connections is retried, and succeeds once the orderer
     * runs: the join is started first, the orderer only once the join has said that it retries.
     */
    @Test
    public void anOrdererJoinsWhenItsAdminEndpointComesUpAfterTheJoinBegan() throws Exception {
        network("clean");
        Process join = start("join", "orderer0");
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(join.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.append(line).append('\n');
                if (line.contains("orderer0:") && line.contains("connection refused") && line.contains("retrying")) {
                    break;
                }
            }
            assertNotNull("the join never said it was retrying:\n" + output, line);
            succeeds("start", "orderer0");
            while ((line = reader.readLine()) != null) {
                output.append(line).append('\n');
            }
        } finally {
            if (!join.waitFor(2, TimeUnit.MINUTES)) {
                join.destroyForcibly();
                fail("the join did not finish:\n" + output);
            }
            log("join orderer0", join.exitValue(), output.toString());
        }
        assertEquals(output.toString(), 0, join.exitValue());
        assertTrue(output.toString(), output.toString().contains("orderer0 has joined " + CHANNEL));
        Result status = network("status");
        assertNotEquals("the peer does not run", 0, status.exitCode());
        assertTrue(status.output(), line(status, "orderer0").contains(CHANNEL + ": joined, consenter, active"));
        assertEquals(status.output(), "stopped", line(status, "peer0.operator"));
        // a second join finds the channel there already
        Result rejoin = succeeds("join", "orderer0");
        assertFalse(rejoin.output(), rejoin.output().contains("retrying"));
        succeeds("clean");
    }

    private static Result healthy() throws IOException, InterruptedException {
        Result status = network("status");
        assertEquals(status.output(), 0, status.exitCode());
        assertEquals(status.output(), "status: healthy", status.lastLine());
        for (String node : List.of("orderer0", "peer0.operator", "chaincode.operator")) {
            assertTrue(status.output(), line(status, node).startsWith("running (pid "));
        }
        assertTrue(status.output(), line(status, "orderer0").contains("; health OK; "));
        assertTrue(status.output(), line(status, "peer0.operator").contains("; health OK; "));
        return status;
    }

    /** What status says of a node (or of "chaincode anchors"), after its name. */
    private static String line(Result status, String node) {
        Matcher matcher = NODE_LINE.matcher(status.output());
        while (matcher.find()) {
            if (matcher.group(1).equals(node)) {
                return matcher.group(2).trim();
            }
        }
        throw new AssertionError("status says nothing of " + node + ":\n" + status.output());
    }

    private static long height(Result status, String node) {
        Matcher matcher = HEIGHT.matcher(line(status, node));
        assertTrue(status.output(), matcher.find());
        return Long.parseLong(matcher.group(1));
    }

    private static Map<String, String> pids(Result status) {
        Map<String, String> pids = new TreeMap<>();
        for (String node : List.of("orderer0", "peer0.operator", "chaincode.operator")) {
            Matcher matcher = PID.matcher(line(status, node));
            pids.put(node, matcher.find() ? matcher.group(1) : null);
        }
        return pids;
    }

    private static Result succeeds(String... arguments) throws IOException, InterruptedException {
        Result result = network(arguments);
        assertEquals("network.sh " + String.join(" ", arguments) + ":\n" + result.output(), 0, result.exitCode());
        return result;
    }

    private static Result network(String... arguments) throws IOException, InterruptedException {
        Process process = start(arguments);
        // read before waiting: status and up write little, but a full pipe would block the script
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("network.sh " + String.join(" ", arguments) + " did not finish in 5 minutes");
        }
        log(String.join(" ", arguments), process.exitValue(), output);
        return new Result(process.exitValue(), output);
    }

    private static Process start(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", FabricNetwork.script()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("FABRIC_NETWORK");
        builder.environment().put("FABRIC_NET_DIR", DIR.toString());
        builder.environment().put("FABRIC_PORT_BASE", Integer.toString(PORT_BASE));
        return builder.start();
    }

    private static void log(String command, int exitCode, String output) throws IOException {
        Files.createDirectories(LOG.getParent());
        Files.writeString(LOG, "$ network.sh " + command + "\n" + output + "(exit " + exitCode + ")\n\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private record Result(int exitCode, String output) {

        String lastLine() {
            String[] lines = output.strip().split("\n");
            return lines[lines.length - 1];
        }
    }
}
