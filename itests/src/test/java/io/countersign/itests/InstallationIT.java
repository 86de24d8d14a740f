package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

/**
 * One data directory is one installation, and an installation's features change without a local console: the
 * distribution started as an operator starts it (bin/karaf with the COUNTERSIGN_* variables), its remote console
 * reached through Karaf's own bin/client as ./countersign console does.
 */
public class InstallationIT {

    private static final String AGENT = "analytics-agent";
    private static final String SLACK = "countersign-channel-slack";

    @Test
    public void twoInstallationsOfOneDistributionRunSideBySide_eachWithItsOwnDirectoryCredentialsAndConsole()
            throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "installations-");
        try (Distribution first = Distribution.unpack(dir.resolve("countersign"));
             Distribution second = first.anotherInstallation(dir.resolve("second-data"))) {
            first.start();
            second.start();

            for (Distribution installation : new Distribution[] {first, second}) {
                for (String made : new String[] {"directory.json", "demo-credentials.json", "journal", "keys",
                    "console/realm.properties", "karaf/log/karaf.log"}) {
                    // the remote console's account is written by its own bundle, which may come up after readiness
                    Poll.until(made + " in the installation's data directory " + installation.data(),
                            Duration.ofSeconds(60), () -> Files.exists(installation.data().resolve(made)),
                            () -> "not there");
                }
            }
            Path home = dir.resolve("countersign");
            assertFalse("nothing generated in the shared etc/", Files.exists(home.resolve("etc/countersign-directory.json")));
            assertFalse("no Karaf bundle cache in the shared distribution", Files.exists(home.resolve("data/cache")));
            assertFalse("no Karaf log in the shared distribution", Files.exists(home.resolve("data/log")));

            Credentials one = Credentials.read(first.data().resolve("demo-credentials.json"));
            Credentials two = Credentials.read(second.data().resolve("demo-credentials.json"));
            assertNotEquals(one.agentKey(AGENT), two.agentKey(AGENT));
            String body = Api.action("db.query", "analytics.events", "staging", "{}", "alice");
            Api.Answer onFirst = first.api().post("/v1/actions", one.agentKey(AGENT), body);
            Api.Answer onSecond = second.api().post("/v1/actions", two.agentKey(AGENT), body);
            assertEquals(onFirst.raw(), 201, onFirst.status());
            assertEquals(onSecond.raw(), 201, onSecond.status());
            assertEquals("the first installation's key means nothing to the second", 401,
                    second.api().post("/v1/actions", one.agentKey(AGENT), body).status());
            assertEquals("each has its own journal", 404, second.api()
                    .get("/v1/actions/" + onFirst.text("id"), two.reviewerToken("erin")).status());

            assertNotEquals(Files.readString(first.data().resolve("console/realm.properties")),
                    Files.readString(second.data().resolve("console/realm.properties")));
            for (Distribution installation : new Distribution[] {first, second}) {
                Distribution.Console answer = installation.console("feature:list -i | grep countersign-operations");
                assertEquals(answer.output(), 0, answer.exitCode());
                assertTrue(answer.output(), answer.output().contains("countersign-operations"));
            }
        }
    }

    @Test
    public void countersignFeaturesAndTheConsoleEachTurnSlackOnAndOff_whileRequestsFlow() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "features-");
        try (Distribution distribution = Distribution.unpack(dir.resolve("countersign"))) {
            distribution.withEnvironment("COUNTERSIGN_FEATURES", SLACK).start();
            awaitSlack(distribution, true);

            distribution.stop();
            distribution.withEnvironment("COUNTERSIGN_FEATURES", "").start();
            awaitSlack(distribution, false);

            // unset: the installation keeps what it has, so what the console does lasts across a restart
            distribution.stop();
            distribution.withEnvironment("COUNTERSIGN_FEATURES", null).start();
            Credentials credentials = Credentials.read(distribution.data().resolve("demo-credentials.json"));
            try (Flow flow = new Flow(distribution.api(), credentials.agentKey(AGENT))) {
                Distribution.Console installed = distribution.console("feature:install " + SLACK);
                assertEquals(installed.output(), 0, installed.exitCode());
                awaitSlack(distribution, true);
                flow.assertAllAccepted(20);
            }
            distribution.stop();
            distribution.start();
            awaitSlack(distribution, true); // installed at the console: still there after a restart
            try (Flow flow = new Flow(distribution.api(), credentials.agentKey(AGENT))) {
                Distribution.Console removed = distribution.console("feature:uninstall " + SLACK);
                assertEquals(removed.output(), 0, removed.exitCode());
                awaitSlack(distribution, false);
                flow.assertAllAccepted(20);
            }

            Distribution.Console refused = distribution.console("feature:install countersign-no-such-thing");
            assertTrue(refused.output(), refused.output().contains("countersign-no-such-thing"));
        }
    }

    private static boolean isSlackListed(Distribution.Console list) {
        return list.output().lines().anyMatch(line -> line.startsWith(SLACK + " "));
    }

    /**
     * Polls the feature list until Slack is (or is no longer) installed. While a deployment is under way a console
     * session can break (seen once: "Broken pipe" while COUNTERSIGN_FEATURES' deployment ran); the poll asks again.
     */
    private static void awaitSlack(Distribution distribution, boolean installed) throws Exception {
        long deadline = System.nanoTime() + 90_000_000_000L;
        Distribution.Console list = distribution.console("feature:list -i");
        while (list.exitCode() != 0 || isSlackListed(list) != installed) {
            assertTrue(SLACK + (installed ? " never came: " : " never went: ") + list.output(),
                    System.nanoTime() < deadline);
            Thread.sleep(500);
            list = distribution.console("feature:list -i");
        }
    }

    /** Submissions from another thread for as long as it is open; every one must be accepted. */
    private static final class Flow implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger accepted = new AtomicInteger();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final Thread thread;

        Flow(Api api, String agentKey) {
            thread = new Thread(() -> {
                String body = Api.action("db.query", "analytics.events", "staging", "{}", "alice");
                while (running.get()) {
                    try {
                        Api.Answer answer = api.post("/v1/actions", agentKey, body);
                        if (answer.status() == 201) {
                            accepted.incrementAndGet();
                        } else {
                            failures.add(answer.status() + " " + answer.raw());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }, "flow");
            thread.start();
        }

        void assertAllAccepted(int atLeast) throws InterruptedException {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (accepted.get() < atLeast && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue("requests flowed: " + accepted.get(), accepted.get() >= atLeast);
            assertTrue("no request failed meanwhile: " + failures, failures.isEmpty());
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }
    }
}
