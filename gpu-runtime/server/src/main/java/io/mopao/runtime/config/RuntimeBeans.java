package io.mopao.runtime.config;

import io.micrometer.core.instrument.MeterRegistry;
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

/** Builds the runtime's plain objects (models and engines, metrics, worker settings) from configuration. */
public class RuntimeBeans {

    @Produces
    @Singleton
    ModelRegistry models(RuntimeConfig config) {
        if (config.models().isEmpty()) {
            throw new IllegalStateException("no models configured: set mopao.runtime.models.<name>=<path to .gguf>");
        }
        Path dir = Path.of(config.modelsDir());
        Map<String, Path> paths = new LinkedHashMap<>();
        config.models().forEach((name, file) -> paths.put(name, dir.resolve(file)));
        RuntimeConfig.EngineSettings e = config.engine();
        EngineConfig engine = EngineConfig.defaults().withKvCacheTokens(e.kvCacheTokens()).withBlockSize(e.blockSize())
            .withBatch(e.maxBatchedTokens(), e.maxSeqs()).withMaxModelLen(e.maxModelLen()).withPrefixCaching(e.prefixCaching());
        return ModelRegistry.load(paths, e.threads(), engine);
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
