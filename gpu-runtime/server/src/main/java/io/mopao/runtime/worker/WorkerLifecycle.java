package io.mopao.runtime.worker;

import io.mopao.runtime.config.RuntimeConfig;
import io.mopao.runtime.engine.ModelRegistry;
import io.mopao.runtime.metrics.RuntimeMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Optional;

/** Starts the Kafka worker with the application (when enabled) and stops it gracefully before the engines close. */
@Singleton
public class WorkerLifecycle {
    private final RuntimeConfig config;
    private final ModelRegistry models;
    private final RuntimeMetrics metrics;
    private final WorkerSettings settings;
    private volatile WorkerPool worker;

    public WorkerLifecycle(RuntimeConfig config, ModelRegistry models, RuntimeMetrics metrics, WorkerSettings settings) {
        this.config = config;
        this.models = models;
        this.metrics = metrics;
        this.settings = settings;
    }

    void start(@Observes StartupEvent event) {
        if (config.worker().enabled()) {
            WorkerPool w = new WorkerPool(settings, models, metrics, WorkerHooks.NONE);
            w.start();
            worker = w;
        }
    }

    void stop(@Observes ShutdownEvent event) {
        WorkerPool w = worker;
        if (w != null) {
            w.close();
        }
    }

    /** @return the worker, when this process consumes turns */
    public Optional<WorkerPool> worker() {
        return Optional.ofNullable(worker);
    }
}
