package io.countersign.siem.internal;

import io.countersign.api.Journal;
import io.countersign.api.SigningKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SIEM sink per factory configuration ({@code etc/io.countersign.siem.sink-<name>.cfg}): a format, a transport
 * and a cursor of its own, run by a {@link SinkRunner} on its own thread. Secrets (the HEC or webhook token, the
 * client key store's password) are read from environment variables the configuration names, never from the file.
 */
@Component(service = SiemSink.class, configurationPid = SiemSink.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = SiemSink.Config.class, factory = true)
public final class SiemSink {

    static final String PID = "io.countersign.siem.sink";

    @ObjectClassDefinition(name = "Countersign SIEM sink",
            description = "Exports the journal to one SIEM receiver, in order and at least once (docs/siem.md)")
    public @interface Config {
        @AttributeDefinition(description = "The sink's name: its cursor file and its row in /v1/siem/status")
        String name();

        @AttributeDefinition(description = "ocsf (OCSF 1.8.0 JSON), cef (ArcSight CEF) or json (the entry)")
        String format() default "ocsf";

        @AttributeDefinition(description = "syslog (RFC 5424 over TLS, RFC 5425), hec (Splunk HTTP Event Collector),"
                + " webhook (HTTPS POST of a JSON array) or file (rotating JSONL)")
        String transport();

        @AttributeDefinition(description = "syslog: host:port; hec: the collector's base URL (https://host:8088);"
                + " webhook: the URL; file: the file's path")
        String target();

        @AttributeDefinition(description = "PEM file of the CA certificates to trust (syslog, hec, webhook);"
                + " empty: the JVM's", required = false)
        String trustCertificates() default "";

        @AttributeDefinition(description = "PKCS#12 key store with the client key and certificate, for mutual TLS",
                required = false)
        String clientKeyStore() default "";

        @AttributeDefinition(description = "Environment variable holding the client key store's password",
                required = false)
        String clientKeyStorePasswordEnv() default "COUNTERSIGN_SIEM_KEYSTORE_PASSWORD";

        @AttributeDefinition(description = "Environment variable holding the HEC token or the webhook's bearer token",
                required = false)
        String tokenEnv() default "COUNTERSIGN_SIEM_HEC_TOKEN";

        @AttributeDefinition(description = "hec: wait for indexer acknowledgment (the token must have it enabled)")
        boolean hecAck() default false;

        @AttributeDefinition(description = "hec: the index; empty: the token's default", required = false)
        String hecIndex() default "";

        @AttributeDefinition(description = "hec: the sourcetype", required = false)
        String hecSourcetype() default "countersign";

        @AttributeDefinition(description = "hec: milliseconds to wait for an acknowledgment before sending again")
        long ackTimeoutMillis() default 60_000;

        @AttributeDefinition(description = "hec: milliseconds between acknowledgment queries")
        long ackPollMillis() default 250;

        @AttributeDefinition(description = "syslog: APP-NAME", required = false)
        String appName() default "countersign";

        @AttributeDefinition(description = "syslog: HOSTNAME (empty: the origin of the log)", required = false)
        String hostname() default "";

        @AttributeDefinition(description = "syslog: facility (13, log audit)")
        int facility() default 13;

        @AttributeDefinition(description = "syslog: milliseconds after which an event written on a connection the"
                + " receiver has not closed counts as delivered (the window of duplicates after an outage)")
        long settleMillis() default 2000;

        @AttributeDefinition(description = "file: bytes after which the file is rotated")
        long maxFileBytes() default 64L * 1024 * 1024;

        @AttributeDefinition(description = "file: files kept, the current one included")
        int maxFiles() default 8;

        @AttributeDefinition(description = "Most entries sent at once")
        int batchSize() default 500;

        @AttributeDefinition(description = "The sink thread's nice value on Linux (0 to 19; 0 leaves it): a sink"
                + " catching up yields the CPU to the approval path")
        int niceness() default 10;

        @AttributeDefinition(description = "While delivering, persist the cursor at most this often, in"
                + " milliseconds (always when caught up); a crash resends at most this much more")
        long cursorMillis() default 1000;

        @AttributeDefinition(description = "Milliseconds between looks at the journal while caught up")
        long pollMillis() default 200;

        @AttributeDefinition(description = "First wait in milliseconds after a failure; doubled each time")
        long retryInitialMillis() default 500;

        @AttributeDefinition(description = "Longest wait in milliseconds between retries")
        long retryMaxMillis() default 30_000;

        @AttributeDefinition(description = "Milliseconds a connection or an HTTP request may take")
        int timeoutMillis() default 10_000;

        @AttributeDefinition(description = "Where the cursor is kept; empty: <data directory>/siem",
                required = false)
        String stateDirectory() default "";
    }

    private static final Logger LOG = LoggerFactory.getLogger(SiemSink.class);

    private final SinkRunner runner;

    @Activate
    public SiemSink(@Reference Journal journal, @Reference SigningKeys keys, Config config)
            throws IOException, GeneralSecurityException {
        this(journal, keys.origin(), config, System.getenv());
    }

    SiemSink(Journal journal, String origin, Config config, Map<String, String> environment)
            throws IOException, GeneralSecurityException {
        String name = config.name();
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("a SIEM sink needs a name of letters, digits, '.', '_' or '-'");
        }
        EventFormat format = EventFormat.named(config.format(), origin);
        Transport transport = transport(config, origin, format, environment);
        Path state = config.stateDirectory().isBlank()
                ? Path.of(System.getProperty("countersign.data", "data"), "siem") : Path.of(config.stateDirectory());
        runner = new SinkRunner(name, journal, format, transport, config.transport(),
                new Cursor(state.resolve(name + ".cursor")),
                new SinkRunner.Settings(config.batchSize(), config.pollMillis(), config.retryInitialMillis(),
                        config.retryMaxMillis(), config.cursorMillis(), niceness(config.niceness())),
                Clock.systemUTC()).start();
    }

    private static int niceness(int configured) {
        if (configured < 0 || configured > 19) {
            throw new IllegalArgumentException("niceness must be 0 to 19, not " + configured);
        }
        return configured;
    }

    static Transport transport(Config config, String origin, EventFormat format, Map<String, String> environment)
            throws IOException, GeneralSecurityException {
        boolean jsonEvents = !format.name().equals("cef");
        Duration timeout = Duration.ofMillis(config.timeoutMillis());
        switch (config.transport()) {
            case "syslog" -> {
                String target = config.target();
                int colon = target.lastIndexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("syslog target must be host:port, not '" + target + "'");
                }
                return new SyslogTlsTransport(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)),
                        tls(config, environment),
                        new Syslog5424(config.facility(), config.hostname().isBlank() ? origin : config.hostname(),
                                config.appName()),
                        config.settleMillis(), config.timeoutMillis(), System::nanoTime);
            }
            case "hec" -> {
                String token = secret(environment, config.tokenEnv(), "the HEC token");
                return new HecTransport(new HecTransport.Options(URI.create(config.target()), token, config.hecAck(),
                        config.hecIndex(), config.hecSourcetype(), "countersign:" + origin, origin, jsonEvents,
                        Duration.ofMillis(config.ackTimeoutMillis()), Duration.ofMillis(config.ackPollMillis()),
                        timeout), http(config, environment, timeout));
            }
            case "webhook" -> {
                String token = environment.getOrDefault(config.tokenEnv(), "");
                return new WebhookTransport(URI.create(config.target()), token, jsonEvents,
                        http(config, environment, timeout), timeout);
            }
            case "file" -> {
                return new JsonlFileTransport(Path.of(config.target()), config.maxFileBytes(), config.maxFiles());
            }
            default -> throw new IllegalArgumentException("unknown SIEM transport '" + config.transport()
                    + "' (syslog, hec, webhook or file)");
        }
    }

    private static HttpClient http(Config config, Map<String, String> environment, Duration timeout)
            throws IOException, GeneralSecurityException {
        return HttpClient.newBuilder().connectTimeout(timeout).sslContext(tls(config, environment)).build();
    }

    private static SSLContext tls(Config config, Map<String, String> environment)
            throws IOException, GeneralSecurityException {
        char[] password = config.clientKeyStore().isBlank() ? new char[0]
                : secret(environment, config.clientKeyStorePasswordEnv(), "the client key store's password")
                        .toCharArray();
        return Tls.context(config.trustCertificates(), config.clientKeyStore(), password);
    }

    private static String secret(Map<String, String> environment, String variable, String what) {
        String value = environment.get(variable);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must be in the environment variable " + variable);
        }
        return value;
    }

    SinkStatus status() {
        return runner.status();
    }

    @Deactivate
    void deactivate() {
        runner.close();
        LOG.info("SIEM sink '{}' stopped at {}", runner.status().name(), runner.status().confirmed());
    }
}
