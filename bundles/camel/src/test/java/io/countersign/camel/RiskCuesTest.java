package io.countersign.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.api.Action;
import java.util.List;
import org.junit.jupiter.api.Test;

class RiskCuesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Action action(String name, String environment, String parameters) throws Exception {
        return new Action(name, "resource", JSON.readTree(parameters), environment, "agent", List.of());
    }

    @Test
    void aLargeExportOfPersonalDataInProduction_saysAllThree() throws Exception {
        assertEquals(List.of("production", "personal data", "2,000,000 rows"),
                RiskCues.of(action("data.export", "production", "{\"rows\":2000000,\"containsPii\":true}")));
    }

    @Test
    void theCuesReadTheParametersAsThePolicyDoes() throws Exception {
        assertEquals(List.of("personal data", "20,000 rows"),
                RiskCues.of(action("data.export", "staging", "{\"rows\":\"20000\",\"containsPii\":\"true\"}")));
        assertEquals(List.of("1 row"), RiskCues.of(action("data.export", "development", "{\"rows\":1}")));
        assertEquals(List.of(), RiskCues.of(action("data.export", "staging",
                "{\"rows\":\"many\",\"containsPii\":false}")), "what the policy cannot read is no cue");
    }

    @Test
    void anUnknownEnvironment_isNamedAsTheProductionThePolicyTreatsItAs() throws Exception {
        assertEquals(List.of("treated as production (environment \"prd\")"),
                RiskCues.of(action("db.query", "prd", "{}")));
    }

    @Test
    void privilegeNetworkAndDeletionActions_sayWhatTheyChange() throws Exception {
        assertEquals(List.of("production", "changes privileges"),
                RiskCues.of(action("iam.role.change", "production", "{}")));
        assertEquals(List.of("changes network access"),
                RiskCues.of(action("network.security_group.change", "staging", "{}")));
        assertEquals(List.of("deletes"), RiskCues.of(action("db.delete", "development", "{}")));
    }
}
