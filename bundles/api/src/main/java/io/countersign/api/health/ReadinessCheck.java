package io.countersign.api.health;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A component that can keep this node from doing its work, registered as an OSGi service. The readiness endpoint
 * ({@code GET /v1/health/ready}) is ready only while every registered check is.
 */
@ConsumerType
public interface ReadinessCheck {

    /** What the component says now. Called on every health request: cheap, never blocking, never throwing. */
    Readiness readiness();

    /**
     * Whether {@link #readiness()} would say ready; asked on every request that writes, so a component whose full
     * answer costs more than a field read overrides it.
     */
    default boolean isReady() {
        return readiness().ready();
    }
}
