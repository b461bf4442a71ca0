package io.mopao.runtime.worker;

import io.mopao.events.Topic;
import io.mopao.events.dialogue.DialogueRouting;
import io.mopao.runtime.config.RuntimeConfig;
import io.mopao.runtime.engine.EngineWarmup;
import io.mopao.runtime.engine.ModelRegistry;
import io.mopao.runtime.metrics.RuntimeMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Starts the Kafka worker with the application (when enabled) and stops it gracefully before the engines close. A
 * worker joins the default pool, or with {@code mopao.runtime.worker.dedicated-model=<m>} the pool of model
 * {@code <m>} (its own requests topic and consumer group, see {@link DialogueRouting}), whose topic it creates when it
 * does not exist yet. It joins once the start-up warm-up is over ({@link EngineWarmup}), so that its first turns do not
 * run while the JIT compiles.
 */
@Singleton
public class WorkerLifecycle {
    private final boolean enabled;
    private final ModelRegistry models;
    private final RuntimeMetrics metrics;
    private final WorkerSettings settings;
    private final boolean dedicated;
    private final EngineWarmup warmup;
    private volatile WorkerPool worker;
    private boolean stopped;

    public WorkerLifecycle(RuntimeConfig config, ModelRegistry models, RuntimeMetrics metrics, WorkerSettings settings,
                           EngineWarmup warmup) {
        this.enabled = config.worker().enabled();
        this.warmup = warmup;
        this.models = models;
        this.metrics = metrics;
        Optional<String> model = config.worker().dedicatedModel().filter(m -> !m.isBlank());
        this.settings = poolSettings(settings, model, models.names());
        this.dedicated = model.isPresent();
    }

    void start(@Observes StartupEvent event) {
        if (enabled) {
            if (dedicated) {
                RequestTopics.ensure(settings.bootstrap(), settings.requestsTopic(), Topic.DIALOGUE_REQUESTS.partitions(),
                    Topic.DIALOGUE_REQUESTS.retentionMs());
            }
            warmup.finished().thenRun(this::startWorker);
        }
    }

    private synchronized void startWorker() {
        if (stopped) {
            return;
        }
        WorkerPool w = new WorkerPool(settings, models, metrics, WorkerHooks.NONE);
        w.start();
        worker = w;
    }

    /**
     * The settings of a member of the default pool, or of a model's dedicated pool.
     *
     * @param base           the configured settings (the default pool's topic and group)
     * @param dedicatedModel the model whose pool to join, if any
     * @param served         the models this worker serves
     * @return the settings to run with
     * @throws IllegalStateException when the dedicated model is not among the served ones
     */
    public static WorkerSettings poolSettings(WorkerSettings base, Optional<String> dedicatedModel, List<String> served) {
        if (dedicatedModel.isEmpty()) {
            return base;
        }
        String model = dedicatedModel.get();
        if (!served.contains(model)) {
            throw new IllegalStateException("mopao.runtime.worker.dedicated-model=" + model + ", but this worker serves " + served
                + ": add mopao.runtime.models." + model + "=<file.gguf> or join the pool of a model it serves");
        }
        DialogueRouting routing = new DialogueRouting(base.requestsTopic(), base.groupId(), Set.of(model));
        return base.inPool(routing.dedicatedTopic(model), routing.dedicatedGroup(model));
    }

    void stop(@Observes ShutdownEvent event) {
        WorkerPool w;
        synchronized (this) {
            stopped = true;
            w = worker;
        }
        if (w != null) {
            w.close();
        }
    }

    /** @return the settings the worker runs with (its pool's requests topic and group) */
    public WorkerSettings settings() {
        return settings;
    }

    /** @return the worker, when this process consumes turns */
    public Optional<WorkerPool> worker() {
        return Optional.ofNullable(worker);
    }
}
