package io.mopao.engine.serving;

import io.mopao.engine.model.Model;
import io.mopao.engine.serving.runner.RunnerSpec;
import io.mopao.engine.serving.runner.StepRunner;
import io.mopao.engine.serving.runner.StepRunnerFactory;
import io.mopao.engine.serving.scheduler.SchedulerOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine runs its batched step through the {@link StepRunner} interface: one runner call per step for the whole
 * batch, a runner built from the engine's own sizes, the same tokens as the default (CPU) engine, and a runner that
 * cannot be built fails the engine instead of being replaced.
 */
class EngineRunnerTest {
    @RegisterExtension
    static final TinyModelFixture TINY = new TinyModelFixture();

    /** The CPU runner, counting the steps it is given and whether it was closed. */
    static final class CountingRunner implements StepRunner {
        final StepRunner cpu;
        int steps;
        int maxSequencesInOneStep;
        boolean closed;

        CountingRunner(StepRunner cpu) {
            this.cpu = cpu;
        }

        @Override
        public float[] execute(SchedulerOutput step) {
            steps++;
            maxSequencesInOneStep = Math.max(maxSequencesInOneStep, step.scheduled().size());
            return cpu.execute(step);
        }

        @Override
        public String name() {
            return cpu.name();
        }

        @Override
        public long kvBytes() {
            return cpu.kvBytes();
        }

        @Override
        public void close() {
            closed = true;
            cpu.close();
        }
    }

    @Test
    void theEngineStepsThroughTheRunnerItsFactoryBuilt() {
        Model tiny = TINY.model();
        EngineConfig config = EngineDeterminismTest.base().withBatch(64, 8);
        List<GenerationRequest> requests = EngineDeterminismTest.tinyRequests();
        Map<String, Completion> expected = EngineDeterminismTest.run(tiny, null, config, requests, 8, false);

        AtomicReference<RunnerSpec> spec = new AtomicReference<>();
        AtomicReference<CountingRunner> runner = new AtomicReference<>();
        StepRunnerFactory counting = s -> {
            spec.set(s);
            runner.set(new CountingRunner(StepRunnerFactory.cpu().create(s)));
            return runner.get();
        };
        Engine engine = new Engine(tiny, null, config, counting);
        Map<String, Completion> actual = new java.util.LinkedHashMap<>();
        try {
            assertEquals(tiny.backend().name(), engine.runnerName());
            for (int from = 0; from < requests.size(); from += 8) {
                List<java.util.concurrent.CompletableFuture<Completion>> futures = requests.subList(from, from + 8).stream()
                        .map(r -> engine.submit(r).completion()).toList();
                futures.forEach(f -> {
                    Completion c = f.join();
                    actual.put(c.requestId(), c);
                });
            }
        } finally {
            engine.close();
        }
        EngineDeterminismTest.assertSameTokens(expected, actual, "through a factory-built runner");
        assertEquals(engine.stats().steps(), runner.get().steps, "one runner call per engine step");
        assertTrue(runner.get().maxSequencesInOneStep > 1, "a step carries the whole batch, not one sequence");
        assertTrue(runner.get().closed, "closing the engine closes its runner");
        RunnerSpec s = spec.get();
        assertSame(tiny.weights(), s.weights());
        assertEquals(64, s.maxTokens());
        assertEquals(8, s.maxSeqs());
        assertEquals(tiny.config().contextLength(), s.maxPositions());
        assertEquals(config.kvCacheConfig(tiny.config().layers(), tiny.config().kvDim()), s.kv());
    }

    @Test
    void aRunnerThatCannotBeBuiltFailsTheEngine() {
        Model tiny = TINY.model();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Engine(tiny, null, EngineDeterminismTest.base(),
                s -> {
                    throw new IllegalStateException("the device has 1 GiB free, the runner needs 2 GiB");
                }));
        assertEquals("the device has 1 GiB free, the runner needs 2 GiB", e.getMessage());
    }

    @Test
    void runnerSizesMustBePositive() {
        Model tiny = TINY.model();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RunnerSpec(tiny.config(), tiny.weights(),
                tiny.backend(), EngineDeterminismTest.base().kvCacheConfig(1, 8), 0, 4, 64, 1));
        assertTrue(e.getMessage().contains("maxTokens 0"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
