package io.mopao.runtime.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mopao.cuda.select.BackendChoice;
import io.mopao.engine.serving.EngineStats;
import io.mopao.runtime.engine.ModelRegistry;
import io.mopao.runtime.engine.ServedModel;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The runtime's Prometheus metrics (names as Prometheus shows them, with {@code model} and, where it matters,
 * {@code path} = {@code kafka} or {@code http}):
 * <ul>
 *   <li>{@code mopao_runtime_queue_depth} turns waiting in the engine; {@code mopao_runtime_worker_pending} records polled
 *   but not yet admitted; {@code mopao_runtime_worker_inflight} turns admitted and not yet completed</li>
 *   <li>{@code mopao_runtime_batch_size} sequences in the running batch</li>
 *   <li>{@code mopao_runtime_tokens_generated_total} (rate() = tokens/s) and {@code mopao_runtime_tokens_per_second}</li>
 *   <li>{@code mopao_runtime_time_to_first_token_seconds}, {@code mopao_runtime_inter_token_latency_seconds} (histograms)</li>
 *   <li>{@code mopao_runtime_kv_usage_ratio}, {@code mopao_runtime_prefix_cache_hit_ratio}, {@code mopao_runtime_preemptions}</li>
 *   <li>{@code mopao_runtime_backend_info{model, backend (cpu|cuda), mode (cpu|cuda|auto), device, reason, runner}} = 1: what
 *   start-up chose for the model's engine and why</li>
 *   <li>{@code mopao_runtime_turns_total{finish_reason}}, {@code mopao_runtime_dead_letters_total}</li>
 * </ul>
 */
public final class RuntimeMetrics {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Rate> rates = new ConcurrentHashMap<>();

    public RuntimeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Registers the per-model engine gauges.
     *
     * @param models the served models
     */
    public void bindEngines(ModelRegistry models) {
        for (ServedModel m : models.all()) {
            gauge("mopao.runtime.queue.depth", m, s -> s.waiting());
            gauge("mopao.runtime.batch.size", m, s -> s.running());
            gauge("mopao.runtime.kv.usage.ratio", m, s -> s.totalBlocks() == 0 ? 0 : 1.0 - (double) s.freeBlocks() / s.totalBlocks());
            gauge("mopao.runtime.prefix.cache.hit.ratio", m, EngineStats::prefixHitRatio);
            gauge("mopao.runtime.preemptions", m, s -> s.preemptions());
            Rate rate = rates.computeIfAbsent(m.name(), k -> new Rate());
            Gauge.builder("mopao.runtime.tokens.per.second", m, sm -> rate.update(sm.engine().stats().generatedTokens()))
                .tag("model", m.name()).description("generated tokens per second since the previous scrape").register(registry);
            BackendChoice c = models.backend();
            Gauge.builder("mopao.runtime.backend.info", () -> 1).tag("model", m.name()).tag("backend", c.backend())
                .tag("mode", c.mode().value()).tag("device", c.probe().describe()).tag("reason", c.reason()).tag("runner", m.backend())
                .description("the backend running the model (chosen at start-up) and why").register(registry);
        }
    }

    private void gauge(String name, ServedModel m, ToDoubleFunction<EngineStats> f) {
        Gauge.builder(name, m, sm -> f.applyAsDouble(sm.engine().stats())).tag("model", m.name()).register(registry);
    }

    /**
     * @param name  gauge name
     * @param value where its value comes from
     */
    public void gauge(String name, java.util.function.Supplier<Number> value) {
        Gauge.builder(name, value).register(registry);
    }

    /**
     * @param model model
     * @param path  kafka or http
     * @param d     time to first token
     */
    public void timeToFirstToken(String model, String path, Duration d) {
        timer("mopao.runtime.time.to.first.token", model, path).record(d);
    }

    /**
     * @param model model
     * @param path  kafka or http
     * @param nanos gap between two tokens of one sequence
     */
    public void interTokenLatency(String model, String path, long nanos) {
        timer("mopao.runtime.inter.token.latency", model, path).record(Duration.ofNanos(nanos));
    }

    /**
     * @param model  model
     * @param path   kafka or http
     * @param tokens tokens generated
     */
    public void tokens(String model, String path, int tokens) {
        counter("mopao.runtime.tokens.generated", "model", model, "path", path).increment(tokens);
    }

    /**
     * @param model  model ("" when unknown)
     * @param path   kafka or http
     * @param reason finish reason
     */
    public void turn(String model, String path, String reason) {
        counter("mopao.runtime.turns", "model", model == null ? "" : model, "path", path, "finish_reason", reason).increment();
    }

    /** Counts a record sent to the dead-letter topic. */
    public void deadLetter() {
        counter("mopao.runtime.dead.letters").increment();
    }

    private Timer timer(String name, String model, String path) {
        return timers.computeIfAbsent(name + '|' + model + '|' + path, k -> Timer.builder(name).tag("model", model).tag("path", path)
            .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry));
    }

    private Counter counter(String name, String... tags) {
        return counters.computeIfAbsent(name + '|' + String.join("|", tags), k -> Counter.builder(name).tags(tags).register(registry));
    }

    /** Tokens per second between two reads. */
    private static final class Rate {
        private long lastTokens = -1;
        private long lastNanos;
        private double last;

        synchronized double update(long tokens) {
            long now = System.nanoTime();
            if (lastTokens >= 0 && now - lastNanos > 1_000_000) {
                last = (tokens - lastTokens) * 1e9 / (now - lastNanos);
            }
            lastTokens = tokens;
            lastNanos = now;
            return last;
        }
    }
}
