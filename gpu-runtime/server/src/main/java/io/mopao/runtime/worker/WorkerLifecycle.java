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
import org.jboss.logging.Logger;

/**
 * Starts the Kafka worker with the application (when enabled) and stops it gracefully before the engines close. A
 * worker joins the default pool, or with {@code mopao.runtime.worker.dedicated-model=<m>} the pool of model
 * {@code <m>} (its own requests topic and consumer group, see {@link DialogueRouting}), whose topic it creates when it
 * does not exist yet. It joins once the start-up warm-up is over ({@link EngineWarmup}), so that its first turns do not
 * run while the JIT compiles.
 */
@Singleton
public class WorkerLifecycle {
    private static final Logger LOG = Logger.getLogger(WorkerLifecycle.class);
    private final boolean enabled;
    private final ModelRegistry models;
    private final RuntimeMetrics metrics;
    private final WorkerSettings settings;
    private final boolean dedicated;
    private final EngineWarmup warmup;
    private volatile WorkerPool worker;
    private volatile String joinFailure;
    private WorkerPool waiting;
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
                WorkerTopics.ensureRequests(settings.bootstrap(), settings.requestsTopic(), Topic.DIALOGUE_REQUESTS.partitions(),
                    Topic.DIALOGUE_REQUESTS.retentionMs());
            }
            // what can fail (configuration, the control topic) fails the start here, as before the warm-up existed;
            // only joining the group waits for the warm-up
            WorkerPool w = new WorkerPool(settings, models, metrics, WorkerHooks.NONE);
            w.startControl();
            synchronized (this) {
                waiting = w;
            }
            warmup.finished().thenRun(() -> join(w));
        }
    }

    private synchronized void join(WorkerPool w) {
        if (stopped) {
            return;
        }
        waiting = null;
        try {
            w.join();
            worker = w;
        } catch (RuntimeException e) {
            joinFailure = e.toString();
            LOG.errorf(e, "the Kafka worker could not join its group; liveness reports DOWN");
        }
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
            w = worker != null ? worker : waiting;
        }
        if (w != null) {
            w.close();
        }
    }

    /** @return the settings the worker runs with (its pool's requests topic and group) */
    public WorkerSettings settings() {
        return settings;
    }

    /** @return whether this process is configured to consume turns ({@code mopao.runtime.worker.enabled}) */
    public boolean enabled() {
        return enabled;
    }

    /** @return why the worker could not join its group after the warm-up, if it could not */
    public Optional<String> joinFailure() {
        return Optional.ofNullable(joinFailure);
    }

    /** @return the worker, once it has joined its group (after the start-up warm-up) */
    public Optional<WorkerPool> worker() {
        return Optional.ofNullable(worker);
    }
}
