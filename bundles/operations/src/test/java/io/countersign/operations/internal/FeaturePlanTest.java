package io.countersign.operations.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FeaturePlanTest {

    private static final Set<String> OPTIONAL = Set.of("countersign-channel-slack", "countersign-channel-teams",
            "countersign-channel-email", "countersign-audit-fabric");

    @Test
    void installsWhatItNames_andRemovesTheOptionalOnesItNoLongerNames() {
        FeaturePlan plan = FeaturePlan.of("countersign-channel-slack, countersign-channel-email", OPTIONAL,
                Set.of("countersign", "countersign-channel-email", "countersign-channel-teams", "shell"));

        assertEquals(Set.of("countersign-channel-slack"), plan.install());
        assertEquals(Set.of("countersign-channel-teams"), plan.uninstall());
        assertTrue(plan.unknown().isEmpty());
    }

    @Test
    void emptyTurnsEveryOptionalFeatureOff_butNothingElse() {
        FeaturePlan plan = FeaturePlan.of("", OPTIONAL, Set.of("countersign", "countersign-channel-slack", "ssh"));

        assertTrue(plan.install().isEmpty());
        assertEquals(Set.of("countersign-channel-slack"), plan.uninstall());
    }

    @Test
    void namesThatAreNotOptionalFeaturesAreRefused_andNotInstalled() {
        FeaturePlan plan = FeaturePlan.of("countersign-channel-slak,ssh,countersign-channel-teams", OPTIONAL, Set.of());

        assertEquals(List.of("countersign-channel-slak", "ssh"), plan.unknown());
        assertEquals(Set.of("countersign-channel-teams"), plan.install());
    }

    @Test
    void whatIsAlreadyAsAskedChangesNothing() {
        assertTrue(FeaturePlan.of("countersign-channel-slack", OPTIONAL,
                Set.of("countersign-channel-slack", "countersign")).changesNothing());
    }
}
