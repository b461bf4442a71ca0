package io.mopao.runtime.testing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mopao.engine.chat.ChatMessage;
import io.mopao.engine.chat.ChatTemplates;
import io.mopao.engine.sampling.SamplingParams;
import io.mopao.engine.serving.Completion;
import io.mopao.engine.serving.EngineConfig;
import io.mopao.engine.serving.GenerationRequest;
import io.mopao.events.dialogue.GenerateTurn;
import io.mopao.events.dialogue.PromptSegment;
import io.mopao.events.dialogue.SamplingSettings;
import io.mopao.cuda.Backends;
import io.mopao.runtime.engine.ModelRegistry;
import io.mopao.runtime.engine.ServedModel;
import io.mopao.runtime.metrics.RuntimeMetrics;
import io.mopao.runtime.worker.WorkerSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Builders shared by the worker tests: the model, turns, and the engine's direct output for a turn. */
public final class Turns {
    public static final String MODEL = "stories260K";
    public static final String SYSTEM = "Once upon a time, there was a little dog named Max.";
    public static final String USER = "Tell me what Max did in the park.";

    private Turns() {
    }

    /**
     * @return stories260K with its own engine, limited to the 512 positions it was trained on (its GGUF says 2048); 2 CPU
     *     threads unless {@code mopao.bench.engine-threads} says otherwise (the Kafka benchmark's third argument), at the nice
     *     value {@code mopao.bench.compute-nice} (default 0; its fourth argument)
     */
    public static ModelRegistry registry() {
        int threads = Integer.getInteger("mopao.bench.engine-threads", 2);
        int nice = Integer.getInteger("mopao.bench.compute-nice", 0);
        return ModelRegistry.load(Map.of(MODEL, SharedModels.require("stories260K.gguf")), threads, nice,
            EngineConfig.defaults().withKvCacheTokens(8192).withBatch(256, 16).withMaxModelLen(512), Backends.serving("cpu"));
    }

    /**
     * @param topics the private topics
     * @param worker worker id
     * @return settings for a worker on them
     */
    public static WorkerSettings settings(KafkaTestTopics topics, String worker) {
        return new WorkerSettings(KafkaTestTopics.BOOTSTRAP, topics.group, topics.requests, topics.events, topics.control,
            topics.deadLetters, worker, 16, 0.9, 16, Duration.ofMillis(50), Duration.ofSeconds(10));
    }

    /** @return metrics into a throwaway registry */
    public static RuntimeMetrics metrics() {
        return new RuntimeMetrics(new SimpleMeterRegistry());
    }

    /**
     * @param sessionId session
     * @param maxTokens limit
     * @return a greedy turn with a system and a user segment
     */
    public static GenerateTurn greedy(String sessionId, int maxTokens) {
        return turn(sessionId, MODEL, List.of(new PromptSegment("system", "system", null, SYSTEM, 100, false),
            new PromptSegment("history", "user", null, USER, 10, true)), SamplingSettings.greedy(maxTokens), null);
    }

    /**
     * @param sessionId session
     * @param model     model name
     * @param segments  segments
     * @param sampling  sampling
     * @param deadline  deadline or null
     * @return the turn
     */
    public static GenerateTurn turn(String sessionId, String model, List<PromptSegment> segments, SamplingSettings sampling,
                                    Instant deadline) {
        return new GenerateTurn(UUID.randomUUID().toString(), sessionId, "user-1", model, segments, null, null, sampling, 0, deadline,
            Instant.now());
    }

    /**
     * The engine's own output for {@link #greedy}: the same conversation rendered with the role-play template and
     * submitted straight to the engine, no Kafka and no worker code involved.
     *
     * @param model     the served model
     * @param maxTokens limit
     * @return the completion
     */
    public static Completion direct(ServedModel model, int maxTokens) throws Exception {
        var prompt = ChatTemplates.rolePlay().render(List.of(ChatMessage.system(SYSTEM), ChatMessage.user(USER)), true);
        GenerationRequest req = GenerationRequest.ofChat("direct-" + UUID.randomUUID(), prompt, model.tokenizer(),
            SamplingParams.greedy().withMaxTokens(maxTokens));
        return model.engine().submit(req).completion().get(120, TimeUnit.SECONDS);
    }
}
