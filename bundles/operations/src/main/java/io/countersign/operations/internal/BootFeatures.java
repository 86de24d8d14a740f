package io.countersign.operations.internal;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the optional features to what COUNTERSIGN_FEATURES names, at every start (bin/setenv passes it as the
 * framework property {@code countersign.features}; unset, the installation keeps the features it has, installed or
 * removed at the console). Karaf reads featuresBoot only on an installation's first start, so a change of the
 * variable between starts would otherwise be ignored.
 */
@Component(configurationPid = "io.countersign.features", immediate = true)
@Designate(ocd = BootFeatures.Config.class)
public final class BootFeatures {

    @ObjectClassDefinition(name = "Countersign optional features",
            description = "The features COUNTERSIGN_FEATURES may turn on or off at start")
    public @interface Config {
        @AttributeDefinition(description = "The optional features")
        String[] optional() default {"countersign-channel-slack", "countersign-channel-teams",
            "countersign-channel-email", "countersign-audit-fabric", "countersign-siem", "countersign-intake-mcp",
            "countersign-console"};
    }

    static final String PROPERTY = "countersign.features";
    private static final Logger LOG = LoggerFactory.getLogger(BootFeatures.class);

    private final Thread worker;

    @Activate
    public BootFeatures(BundleContext context, @Reference FeaturesService features, Config config) {
        String requested = context.getProperty(PROPERTY);
        Set<String> optional = new LinkedHashSet<>(Arrays.asList(config.optional()));
        // Not on the activating thread: a features deployment may be under way (this bundle is installed by one),
        // and Karaf deploys one thing at a time.
        worker = new Thread(() -> apply(features, requested, optional), "countersign-boot-features");
        worker.setDaemon(true);
        if (requested != null) {
            worker.start();
        }
    }

    @Deactivate
    void deactivate() {
        worker.interrupt();
    }

    private static void apply(FeaturesService features, String requested, Set<String> optional) {
        try {
            Set<String> installed = new TreeSet<>();
            for (Feature feature : features.listInstalledFeatures()) {
                installed.add(feature.getName());
            }
            FeaturePlan plan = FeaturePlan.of(requested, optional, installed);
            if (!plan.unknown().isEmpty()) {
                String refused = "COUNTERSIGN_FEATURES names " + plan.unknown() + ", which "
                        + (plan.unknown().size() == 1 ? "is not an optional feature" : "are not optional features")
                        + "; the optional features are " + optional;
                LOG.error(refused);
                System.err.println("countersign: " + refused);
            }
            if (plan.changesNothing()) {
                LOG.info("COUNTERSIGN_FEATURES='{}': the optional features are as asked", requested);
                return;
            }
            if (!plan.uninstall().isEmpty()) {
                LOG.info("COUNTERSIGN_FEATURES='{}': uninstalling {}", requested, plan.uninstall());
                features.uninstallFeatures(plan.uninstall(), EnumSet.noneOf(FeaturesService.Option.class));
            }
            if (!plan.install().isEmpty()) {
                LOG.info("COUNTERSIGN_FEATURES='{}': installing {}", requested, plan.install());
                features.installFeatures(plan.install(), EnumSet.noneOf(FeaturesService.Option.class));
            }
            LOG.info("COUNTERSIGN_FEATURES='{}': done", requested);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.error("COUNTERSIGN_FEATURES='{}' could not be applied", requested, e);
            System.err.println("countersign: COUNTERSIGN_FEATURES='" + requested + "' could not be applied: " + e);
        }
    }
}
