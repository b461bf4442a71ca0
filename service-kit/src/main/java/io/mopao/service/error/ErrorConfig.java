package io.mopao.service.error;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

/** How {@link ErrorMappers} classifies failures that are not {@link ApiException}s ({@code mopao.errors.*}). */
@ConfigMapping(prefix = "mopao.errors")
public interface ErrorConfig {

    /**
     * Exceptions (fully qualified class names; subclasses count) that mean "a concurrent change won" and become 409
     * {@code conflict}, wherever they sit in the cause chain. Names rather than classes, so that a service without the
     * persistence library keeps the default without failing to start.
     */
    @WithDefault("jakarta.persistence.OptimisticLockException,org.hibernate.StaleStateException")
    List<String> conflictExceptions();
}
