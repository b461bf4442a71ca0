package io.mopao.runtime.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Configuration of the runtime service ({@code mopao.runtime.*}). */
@ConfigMapping(prefix = "mopao.runtime")
public interface RuntimeConfig {

    /** Model name (what requests name) to GGUF path; a relative path resolves against {@link #modelsDir()}. */
    Map<String, String> models();

    /** Folder that relative model paths resolve against. */
    @WithDefault("../shared/models")
    String modelsDir();

    /**
     * What runs the models: {@code cpu}, {@code cuda} (start-up fails when no CUDA device is usable) or {@code auto}
     * (CUDA when the device probe finds a usable device, else CPU). The choice and its reason are logged, shown by the
     * health check {@code backend} and the metric {@code mopao_runtime_backend_info}.
     */
    @WithDefault("auto")
    String backend();

    /** Id of this worker in logs and completions; the host name when unset. */
    Optional<String> workerId();

    /** The serving engine of each model. */
    EngineSettings engine();

    /** The Kafka worker. */
    Worker worker();

    /** The OpenAI-compatible HTTP API. */
    Http http();

    /** Batching and caching of each model's engine. */
    interface EngineSettings {
        /** CPU threads of the model's backend and of attention. */
        @WithDefault("2")
        int threads();

        /**
         * Linux nice value (0-19) of the threads that run forward passes; above 0, other processes on the same cores get
         * the CPU first. On a quiet 2-vCPU machine nice 10 did not shorten the Kafka path and slowed the engine
         * (gpu-runtime/BENCHMARKS.md, Kafka runs 8 and 10), hence the default of 0.
         */
        @WithDefault("0")
        int computeNice();

        /** KV pool size in positions. */
        @WithDefault("16384")
        long kvCacheTokens();

        /** KV positions per block. */
        @WithDefault("16")
        int blockSize();

        /** Token budget of one batched step. */
        @WithDefault("512")
        int maxBatchedTokens();

        /** Sequences running at once (the continuous batch). */
        @WithDefault("16")
        int maxSeqs();

        /** Positions one sequence may reach; 0 for the model's context length. */
        @WithDefault("0")
        int maxModelLen();

        /** Reuse cached prompt prefixes across requests. */
        @WithDefault("true")
        boolean prefixCaching();

        /**
         * Synthetic turns each model generates at start-up, before the worker joins its consumer group and before the
         * process reports ready, so that the first players' turns do not run while the JIT compiles
         * ({@link io.mopao.runtime.engine.Warmup}); 0 turns it off.
         */
        @WithDefault("32")
        int warmupTurns();

        /** Longest the start-up warm-up may take per model; turns still running then are cancelled and start-up goes on. */
        @WithDefault("60s")
        Duration warmupTimeout();
    }

    /** The Kafka side. */
    interface Worker {
        /** Whether this process consumes dialogue-turn requests. */
        @WithDefault("true")
        boolean enabled();

        /** Requests topic: the shared catalogue topic, or a per-model topic {@code mopao.dialogue.requests.<model>}. */
        @WithDefault("mopao.dialogue.requests")
        String requestsTopic();

        /** Consumer group of the pool (one group per requests topic). */
        @WithDefault("mopao-gpu-runtime")
        String groupId();

        /**
         * The model whose dedicated pool this worker joins: it then consumes {@code <requests-topic>.<model>} in group
         * {@code <group-id>.<model>} ({@code io.mopao.events.dialogue.DialogueRouting}) and must serve that model; unset,
         * the worker is a member of the default pool.
         */
        Optional<String> dedicatedModel();

        /** Where chunks and completions go. */
        @WithDefault("mopao.dialogue.events")
        String eventsTopic();

        /** Where cancellations come from (read by every worker from the latest offset). */
        @WithDefault("mopao.dialogue.control")
        String controlTopic();

        /** Where unreadable requests go, with the reason in a header. */
        @WithDefault("mopao.dialogue.requests.dlq")
        String deadLetterTopic();

        /** Turns admitted at once before consumption pauses (0 = the engine's max-seqs). */
        @WithDefault("0")
        int maxInFlight();

        /** KV pool usage above which consumption pauses while the engine has waiting turns. */
        @WithDefault("0.9")
        double kvHighWatermark();

        /** Most tokens per chunk. */
        @WithDefault("16")
        int chunkTokens();

        /** Longest a chunk's text waits before it is published. */
        @WithDefault("50ms")
        Duration chunkInterval();

        /** How long a stopping worker lets its in-flight turns finish before it hands them back. */
        @WithDefault("30s")
        Duration drainTimeout();
    }

    /** The HTTP API. */
    interface Http {
        /** Bearer key the OpenAI endpoints require; open when unset. */
        Optional<String> apiKey();
    }
}
