package io.countersign.itests;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.junit.Before;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.extra.VMOption;
import org.osgi.framework.BundleContext;

/**
 * Boots the assembled distribution (distribution/target/countersign.tar.gz) with its own port, journal, directory
 * and a copy of the rules that a test may change. Tests run inside that Karaf and talk to it over HTTP like a client.
 */
public abstract class CountersignTestSupport {

    /** A rule the tests add: requests on this resource get a two-second review deadline. */
    static final String SHORT_DEADLINE_RESOURCE = "itest:short-deadline";

    @Inject
    protected BundleContext bundleContext;

    protected Api api;
    protected Credentials credentials;

    @Configuration
    public Option[] config() throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        Path work = Files.createTempDirectory(target, "it-");
        Path rules = Files.createDirectories(work.resolve("rules"));
        Path pack = Path.of(System.getProperty("countersign.rules"));
        try (Stream<Path> drl = Files.list(pack)) {
            for (Path file : drl.filter(p -> p.toString().endsWith(".drl")).toList()) {
                Files.copy(file, rules.resolve(file.getFileName()));
            }
        }
        Path tests = Files.createDirectories(rules.resolve("tests"));
        try (Stream<Path> yaml = Files.list(pack.resolve("tests"))) {
            for (Path file : yaml.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Files.copy(file, tests.resolve(file.getFileName()));
            }
        }
        // the rule below has its case too: a rule set proposed as a change must test every rule
        Files.writeString(tests.resolve("itest.yaml"), String.join("\n",
                "cases:",
                "  - name: the itest resource gets a two-second deadline",
                "    request: {action: db.delete, environment: production, resource: '" + SHORT_DEADLINE_RESOURCE
                        + "', onBehalfOf: [dave], justification: itest}",
                "    expect: {outcome: REVIEW, quorums: {data-owners: 1, security: 1}, timeout: PT2S}", ""));
        Files.writeString(rules.resolve("itest.drl"), String.join("\n",
                "package countersign.rules.itest;",
                "import io.countersign.policy.model.ActionFact;",
                "rule \"itest: a two-second review deadline\"",
                "when",
                "    $a : ActionFact(resource == \"" + SHORT_DEADLINE_RESOURCE + "\")",
                "then",
                "    $a.deadline(\"PT2S\");",
                "end", ""));
        String port = Integer.toString(freePort());
        String version = System.getProperty("karaf.version");
        List<Option> options = new ArrayList<>(List.of(
                karafDistributionConfiguration()
                        .frameworkUrl(new File(System.getProperty("countersign.distribution")).toURI().toString())
                        .karafVersion(version).name("Countersign").useDeployFolder(false)
                        .unpackDirectory(target.resolve("exam").toFile()),
                keepRuntimeFolder(),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevel.WARN),
                systemTimeout(300_000),
                editConfigurationFilePut("etc/org.apache.karaf.features.cfg", "updateSnapshots", "none"),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        System.getProperty("org.ops4j.pax.url.mvn.localRepository", "")),
                editConfigurationFilePut("etc/io.countersign.http.cfg", "port", port),
                editConfigurationFilePut("etc/io.countersign.journal.cfg", "directory",
                        work.resolve("data/journal").toString()),
                editConfigurationFilePut("etc/io.countersign.signing.cfg", "directory",
                        work.resolve("data/keys").toString()),
                editConfigurationFilePut("etc/io.countersign.ledger.cfg", "directory",
                        work.resolve("data/ledger").toString()),
                editConfigurationFilePut("etc/io.countersign.directory.cfg", "demoCredentialsFile",
                        work.resolve("data/demo-credentials.json").toString()),
                editConfigurationFilePut("etc/io.countersign.directory.cfg", "file",
                        work.resolve("countersign-directory.json").toString()),
                editConfigurationFilePut("etc/io.countersign.policy.cfg", "rulesDir", rules.toString()),
                editConfigurationFilePut("etc/io.countersign.console.cfg", "directory",
                        work.resolve("data/console").toString()),
                editConfigurationFilePut("etc/io.countersign.console.cfg", "port", Integer.toString(freePort())),
                systemProperty("countersign.it.port").value(port),
                systemProperty("countersign.it.work").value(work.toString()),
                systemProperty("countersign.verify.jar").value(System.getProperty("countersign.verify.jar")),
                systemProperty("countersign.policy.jar").value(System.getProperty("countersign.policy.jar"))));
        // Karaf's own start script adds these on Java 9+; Pax Exam launches java itself.
        for (String vmOption : List.of("--add-reads=java.xml=java.logging",
                "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
                "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + version + ".jar",
                "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + version + ".jar",
                "--add-opens", "java.base/java.security=ALL-UNNAMED",
                "--add-opens", "java.base/java.net=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens", "java.base/java.util=ALL-UNNAMED",
                "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
                "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
                "-classpath", "lib/jdk9plus/*" + File.pathSeparator + "lib/boot/*")) {
            options.add(new VMOption(vmOption));
        }
        return options.toArray(Option[]::new);
    }

    @Before
    public void connect() throws Exception {
        api = new Api(Integer.parseInt(System.getProperty("countersign.it.port")));
        api.awaitUp(Duration.ofSeconds(120));
        credentials = Credentials.read(work().resolve("data/demo-credentials.json"));
    }

    protected static Path work() {
        return Path.of(System.getProperty("countersign.it.work"));
    }

    protected static Path rulesDir() {
        return work().resolve("rules");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
