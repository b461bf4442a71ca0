package io.mopao.runtime.engine;

import io.mopao.runtime.config.RuntimeConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Runs the start-up {@link Warmup} of every served model on its own thread ({@code mopao.runtime.engine.warmup-turns},
 * {@code warmup-timeout}). Until it is over the process reports not ready and the Kafka worker has not joined its
 * consumer group ({@link #finished()}); a warm-up that fails or runs out of time is logged and reported in health, and
 * start-up goes on (it only prepares the JIT; real turns have their own error paths).
 */
@Singleton
public class EngineWarmup {
    private static final Logger LOG = Logger.getLogger(EngineWarmup.class);

    private final ModelRegistry models;
    private final int turns;
    private final int concurrency;
    private final Duration limit;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private volatile String state = "not started";
    private volatile long finishedAt;
    private volatile Thread thread;

    public EngineWarmup(RuntimeConfig config, ModelRegistry models) {
        this.models = models;
        this.turns = config.engine().warmupTurns();
        this.concurrency = Math.max(1, config.engine().maxSeqs());
        this.limit = config.engine().warmupTimeout();
        if (turns < 0) {
            throw new IllegalArgumentException("mopao.runtime.engine.warmup-turns must be >= 0, got " + turns);
        }
    }

    void start(@Observes @Priority(10) StartupEvent event) {
        if (turns == 0) {
            state = "off";
            finishedAt = System.nanoTime();
            finished.complete(null);
            return;
        }
        state = "running";
        Thread t = new Thread(this::run, "mopao-warm-up");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void run() {
        List<String> outcome = new ArrayList<>();
        try {
            for (ServedModel m : models.all()) {
                Warmup.Report r = Warmup.run(m, turns, concurrency, limit);
                String line = String.format("%s: %d of %d turns, %d tokens in %d ms", r.model(), r.turns(), r.requested(), r.tokens(),
                    r.took().toMillis());
                if (r.complete()) {
                    LOG.infof("warm-up of model %s", line);
                } else {
                    LOG.warnf("warm-up of model %s: stopped at mopao.runtime.engine.warmup-timeout=%s", line, limit);
                }
                outcome.add(line);
            }
            state = "done (" + String.join("; ", outcome) + ")";
        } catch (InterruptedException e) {
            state = "interrupted";
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            state = "failed: " + e;
            LOG.errorf(e, "warm-up failed; serving without it");
        } finally {
            finishedAt = System.nanoTime();
            finished.complete(null);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** @return completes when the warm-up is over (done, timed out, failed or off) */
    public CompletableFuture<Void> finished() {
        return finished;
    }

    /** @return when the warm-up was over ({@link System#nanoTime()}), 0 before */
    public long finishedAtNanos() {
        return finishedAt;
    }

    /** @return what the warm-up did or does, for health */
    public String state() {
        return state;
    }
}
