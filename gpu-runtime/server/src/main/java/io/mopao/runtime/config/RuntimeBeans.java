package io.mopao.runtime.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.mopao.cuda.Backends;
import io.mopao.cuda.select.CudaUnavailableException;
import io.mopao.engine.serving.EngineConfig;
import io.mopao.runtime.engine.ModelRegistry;
import io.mopao.runtime.metrics.RuntimeMetrics;
import io.mopao.runtime.worker.WorkerSettings;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Builds the runtime's plain objects (backend, models and engines, metrics, worker settings) from configuration. */
public class RuntimeBeans {
    private static final Logger LOG = Logger.getLogger(RuntimeBeans.class);

    @Produces
    @Singleton
    Backends.Serving backend(RuntimeConfig config) {
        return chooseBackend(config.backend());
    }

    /**
     * The start-up backend decision ({@code mopao.runtime.backend}): logged at INFO by the selector ({@code backend cpu
     * chosen (backend=auto found no usable CUDA device: ...)}); a value that is not
     * {@code cpu}, {@code cuda} or {@code auto}, or {@code cuda} without a usable device, is logged as one ERROR line and
     * fails the start (the engines are built at start-up, so the application does not come up). No fallback.
     *
     * @param configured the configured value
     * @return the runner factory for the engines and the choice to report
     */
    public static Backends.Serving chooseBackend(String configured) {
        try {
            return Backends.serving(configured);
        } catch (CudaUnavailableException | IllegalArgumentException e) {
            LOG.errorf("mopao.runtime.backend=%s: %s", configured, e.getMessage());
            throw e;
        }
    }

    @Produces
    @Singleton
    ModelRegistry models(RuntimeConfig config, Backends.Serving backend) {
        if (config.models().isEmpty()) {
            throw new IllegalStateException("no models configured: set mopao.runtime.models.<name>=<path to .gguf>");
        }
        Path dir = Path.of(config.modelsDir());
        Map<String, Path> paths = new LinkedHashMap<>();
        config.models().forEach((name, file) -> paths.put(name, dir.resolve(file)));
        RuntimeConfig.EngineSettings e = config.engine();
        EngineConfig engine = EngineConfig.defaults().withKvCacheTokens(e.kvCacheTokens()).withBlockSize(e.blockSize())
            .withBatch(e.maxBatchedTokens(), e.maxSeqs()).withMaxModelLen(e.maxModelLen()).withPrefixCaching(e.prefixCaching());
        return ModelRegistry.load(paths, e.threads(), e.computeNice(), engine, backend);
    }

    void close(@Disposes ModelRegistry models) {
        models.close();
    }

    @Produces
    @Singleton
    RuntimeMetrics metrics(MeterRegistry registry, ModelRegistry models) {
        RuntimeMetrics metrics = new RuntimeMetrics(registry);
        metrics.bindEngines(models);
        return metrics;
    }

    @Produces
    @Singleton
    WorkerSettings workerSettings(RuntimeConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        RuntimeConfig.Worker w = config.worker();
        int maxInFlight = w.maxInFlight() > 0 ? w.maxInFlight() : config.engine().maxSeqs();
        return new WorkerSettings(bootstrap, w.groupId(), w.requestsTopic(), w.eventsTopic(), w.controlTopic(), w.deadLetterTopic(),
            workerId(config), maxInFlight, w.kvHighWatermark(), w.chunkTokens(), w.chunkInterval(), w.drainTimeout());
    }

    private static String workerId(RuntimeConfig config) {
        if (config.workerId().isPresent()) {
            return config.workerId().get();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "runtime-" + UUID.randomUUID().toString().substring(0, 8);
        }
    }
}
