package io.countersign.policy.drools.internal;

import io.countersign.api.ApprovalService;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The engine's configuration and the approval core as the governed start needs them, without OSGi. */
final class EngineConfig {

    private EngineConfig() {
    }

    /** Governed, with {@code state.bin} in {@code stateDirectory}, decisions waiting up to {@code startWait}. */
    static DroolsPolicyEngine.Config governed(Path rulesDir, Path stateDirectory, String startWait) {
        Map<String, Object> values = new HashMap<>(Map.of("rulesDir", rulesDir.toString(), "mode",
                DroolsPolicyEngine.GOVERNED, "watch", true, "defaultReviewTimeout", "PT1H", "startWait", startWait));
        if (stateDirectory != null) {
            values.put("stateDirectory", stateDirectory.toString());
        }
        return (DroolsPolicyEngine.Config) Proxy.newProxyInstance(EngineConfig.class.getClassLoader(),
                new Class<?>[] {DroolsPolicyEngine.Config.class}, (proxy, method, args) -> values.get(
                        method.getName()));
    }

    /** An approval core that knows no request: enough for {@link PolicyGovernance} to recover its changes. */
    static ApprovalService noRequests() {
        return (ApprovalService) Proxy.newProxyInstance(EngineConfig.class.getClassLoader(),
                new Class<?>[] {ApprovalService.class}, (proxy, method, args) -> {
                    Class<?> type = method.getReturnType();
                    if (type == Optional.class) {
                        return Optional.empty();
                    }
                    if (type == List.class) {
                        return List.of();
                    }
                    if (type == boolean.class) {
                        return false;
                    }
                    if (type == int.class || type == long.class) {
                        return type == int.class ? (Object) 0 : (Object) 0L;
                    }
                    return null;
                });
    }
}
