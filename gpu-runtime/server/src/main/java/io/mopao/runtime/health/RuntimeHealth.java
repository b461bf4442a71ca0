package io.mopao.runtime.health;

import io.mopao.cuda.select.BackendChoice;
import io.mopao.runtime.engine.EngineWarmup;
import io.mopao.runtime.engine.ModelRegistry;
import io.mopao.runtime.engine.ServedModel;
import io.mopao.runtime.worker.WorkerLifecycle;
import io.mopao.runtime.worker.WorkerPool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/**
 * Health: started once every configured model is loaded (with its backend named), ready once the start-up warm-up is
 * over as well; the {@code backend} check says which backend start-up chose ({@code cpu} or {@code cuda}), from which
 * configured mode, on which device and why; live while the worker's consumer and control threads run.
 */
@ApplicationScoped
public class RuntimeHealth {
    private final ModelRegistry models;
    private final WorkerLifecycle worker;
    private final EngineWarmup warmup;

    public RuntimeHealth(ModelRegistry models, WorkerLifecycle worker, EngineWarmup warmup) {
        this.models = models;
        this.worker = worker;
        this.warmup = warmup;
    }

    @Produces
    @Startup
    HealthCheck modelsLoadedAtStart() {
        return this::models;
    }

    @Produces
    @Readiness
    HealthCheck modelsLoaded() {
        return this::models;
    }

    /** Not ready while the start-up warm-up runs ({@link EngineWarmup}): traffic would meet a JVM still compiling. */
    @Produces
    @Readiness
    HealthCheck warmedUp() {
        return () -> HealthCheckResponse.named("warm-up").status(warmup.finished().isDone()).withData("state", warmup.state()).build();
    }

    @Produces
    @Startup
    HealthCheck backendChosenAtStart() {
        return this::backend;
    }

    @Produces
    @Readiness
    HealthCheck backendChosen() {
        return this::backend;
    }

    @Produces
    @Liveness
    HealthCheck workerAlive() {
        return () -> {
            Optional<WorkerPool> w = worker.worker();
            HealthCheckResponseBuilder b = HealthCheckResponse.named("kafka-worker");
            if (!worker.enabled()) {
                return b.up().withData("enabled", false).build();
            }
            if (worker.joinFailure().isPresent()) {
                return b.down().withData("enabled", true).withData("error", worker.joinFailure().get()).build();
            }
            if (w.isEmpty()) {
                return b.up().withData("enabled", true).withData("state", "joins its group after the start-up warm-up").build();
            }
            return b.status(w.get().isAlive()).withData("enabled", true).withData("group", w.get().settings().groupId())
                .withData("topic", w.get().settings().requestsTopic()).withData("partitions", w.get().assignment().size())
                .withData("inflight", w.get().runningTurns().size()).build();
        };
    }

    private HealthCheckResponse backend() {
        BackendChoice c = models.backend();
        return HealthCheckResponse.named("backend").up().withData("backend", c.backend()).withData("mode", c.mode().value())
            .withData("device", c.probe().describe()).withData("reason", c.reason()).build();
    }

    private HealthCheckResponse models() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("models").status(!models.all().isEmpty());
        for (ServedModel m : models.all()) {
            b.withData(m.name(), "loaded, backend " + m.backend() + ", context " + m.contextLength());
        }
        return b.build();
    }
}
