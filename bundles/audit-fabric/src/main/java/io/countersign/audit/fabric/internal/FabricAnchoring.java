package io.countersign.audit.fabric.internal;

import io.countersign.api.Checkpoints;
import io.countersign.api.Journal;
import io.countersign.api.SigningKeys;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
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
 * Anchors the journal on Hyperledger Fabric (docs/evidence-format.md §9). Only with a configuration
 * ({@code etc/io.countersign.audit.fabric.cfg}): without one, Countersign keeps its journal to itself.
 */
@Component(service = AnchoringStatus.class, configurationPid = FabricAnchoring.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = FabricAnchoring.Config.class)
public final class FabricAnchoring implements AnchoringStatus {

    static final String PID = "io.countersign.audit.fabric";

    @ObjectClassDefinition(name = "Countersign audit on Hyperledger Fabric",
            description = "Anchors the journal, in batches, on a Fabric channel through the anchors chaincode")
    public @interface Config {
        @AttributeDefinition(description = "host:port of the organisation's gateway peer")
        String peerEndpoint();

        @AttributeDefinition(description = "PEM file of the CA of the peer's TLS certificate")
        String tlsRootCertPath();

        @AttributeDefinition(description = "The host name in the peer's TLS certificate, if the endpoint's is not",
                required = false)
        String serverNameOverride() default "";

        @AttributeDefinition(description = "MSP id of the client identity, e.g. OperatorMSP")
        String mspId();

        @AttributeDefinition(description = "PEM file of the client's X.509 certificate")
        String certificatePath();

        @AttributeDefinition(description = "PEM file of the client's private key (a path: never the key itself)")
        String privateKeyPath();

        @AttributeDefinition(description = "Fabric channel")
        String channel() default AnchorOptions.DEFAULT_CHANNEL;

        @AttributeDefinition(description = "The anchors chaincode's name on the channel")
        String chaincode() default AnchorOptions.DEFAULT_CHAINCODE;

        @AttributeDefinition(description = "Milliseconds between batches while caught up")
        long windowMillis() default AnchorOptions.DEFAULT_WINDOW_MILLIS;

        @AttributeDefinition(description = "Most entries one transaction anchors (a single checkpoint's may exceed it)")
        int maxBatchEntries() default AnchorOptions.DEFAULT_MAX_BATCH_ENTRIES;

        @AttributeDefinition(description = "Deadline in milliseconds of a query (Head, SegmentOf, Keys, qscc)")
        long evaluateTimeoutMillis() default AnchorOptions.DEFAULT_EVALUATE_TIMEOUT_MILLIS;

        @AttributeDefinition(description = "Deadline in milliseconds for collecting endorsements")
        long endorseTimeoutMillis() default AnchorOptions.DEFAULT_ENDORSE_TIMEOUT_MILLIS;

        @AttributeDefinition(description = "Deadline in milliseconds for handing a transaction to the orderers")
        long submitTimeoutMillis() default AnchorOptions.DEFAULT_SUBMIT_TIMEOUT_MILLIS;

        @AttributeDefinition(description = "Deadline in milliseconds for learning a transaction's commit")
        long commitStatusTimeoutMillis() default AnchorOptions.DEFAULT_COMMIT_STATUS_TIMEOUT_MILLIS;

        @AttributeDefinition(description = "First wait in milliseconds after a failure; doubled each time")
        long retryInitialMillis() default AnchorOptions.DEFAULT_RETRY_INITIAL_MILLIS;

        @AttributeDefinition(description = "Longest wait in milliseconds between retries")
        long retryMaxMillis() default AnchorOptions.DEFAULT_RETRY_MAX_MILLIS;
    }

    private static final Logger LOG = LoggerFactory.getLogger(FabricAnchoring.class);

    private final Anchorer anchorer;

    @Activate
    public FabricAnchoring(@Reference Journal journal, @Reference Checkpoints checkpoints,
                           @Reference SigningKeys keys, Config config) throws IOException, GeneralSecurityException {
        AnchorOptions options = options(config);
        anchorer = Anchorer.open(journal, checkpoints, keys, options, CommitListener.NONE);
        LOG.info("Anchoring '{}' on Fabric: channel '{}', chaincode '{}', peer {} as {}", keys.origin(),
                options.channel(), options.chaincode(), options.peerEndpoint(), options.mspId());
    }

    static AnchorOptions options(Config config) {
        return new AnchorOptions(config.peerEndpoint(), AnchorOptions.path(config.tlsRootCertPath()),
                config.serverNameOverride(), config.mspId(), AnchorOptions.path(config.certificatePath()),
                AnchorOptions.path(config.privateKeyPath()), config.channel(), config.chaincode(),
                Duration.ofMillis(config.windowMillis()), config.maxBatchEntries(),
                Duration.ofMillis(config.evaluateTimeoutMillis()), Duration.ofMillis(config.endorseTimeoutMillis()),
                Duration.ofMillis(config.submitTimeoutMillis()), Duration.ofMillis(config.commitStatusTimeoutMillis()),
                Duration.ofMillis(config.retryInitialMillis()), Duration.ofMillis(config.retryMaxMillis()));
    }

    @Override
    public AnchorStatus status() {
        return anchorer.status();
    }

    @Deactivate
    void deactivate() {
        anchorer.close();
    }
}
