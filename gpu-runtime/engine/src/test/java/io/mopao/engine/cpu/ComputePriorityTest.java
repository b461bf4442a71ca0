package io.mopao.engine.cpu;

import io.mopao.engine.model.Model;
import io.mopao.engine.model.ModelOptions;
import io.mopao.engine.sampling.SamplingParams;
import io.mopao.engine.serving.Completion;
import io.mopao.engine.serving.Engine;
import io.mopao.engine.serving.EngineConfig;
import io.mopao.engine.serving.GenerationListener;
import io.mopao.engine.serving.GenerationRequest;
import io.mopao.engine.serving.TokenEvent;
import io.mopao.engine.serving.bench.SyntheticModel;
import io.mopao.engine.serving.runner.StepRunnerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Compute threads take the configured nice value (Linux, per thread): the CPU pool's workers, the serving runner's
 * attention workers and the engine's inference thread; the thread that creates them keeps its own.
 */
class ComputePriorityTest {
    @TempDir
    static Path dir;

    @Test
    void poolWorkersTakeTheNiceValueAndTheCallerKeepsItsOwn() {
        int callerBefore = ComputePriority.current();
        AtomicInteger workerNice = new AtomicInteger(Integer.MIN_VALUE);
        AtomicInteger callerNice = new AtomicInteger(Integer.MIN_VALUE);
        try (WorkerPool pool = new WorkerPool(2, 7)) {
            pool.parallelFor(2, 1, (from, to, worker) -> (worker == 0 ? callerNice : workerNice).set(ComputePriority.current()));
        }
        assertEquals(Math.max(7, callerBefore), workerNice.get(), "worker thread (never below the nice value it started with)");
        assertEquals(callerBefore, callerNice.get(), "the caller's share runs at the caller's priority");
        assertEquals(callerBefore, ComputePriority.current());
    }

    @Test
    void theEngineAndItsModelComputeAtTheModelsNiceValue() throws Exception {
        int expected = Math.max(13, ComputePriority.current()); // new threads start at their creator's value
        Path file = SyntheticModel.tiny().write(dir.resolve("tiny.gguf"));
        try (Model model = Model.load(file, ModelOptions.defaults().withThreads(2).withComputeNice(13))) {
            Engine engine = new Engine(model, null, EngineConfig.defaults().withThreads(2), StepRunnerFactory.cpu());
            try {
                AtomicInteger inferenceNice = new AtomicInteger(Integer.MIN_VALUE);
                CompletableFuture<Completion> done = new CompletableFuture<>();
                engine.submit(GenerationRequest.ofTokens("nice", new int[] {1, 2, 3}, SamplingParams.greedy().withMaxTokens(2)),
                    new GenerationListener() {
                        @Override
                        public void onToken(TokenEvent e) {
                            inferenceNice.set(ComputePriority.current());
                        }

                        @Override
                        public void onComplete(Completion c) {
                            done.complete(c);
                        }
                    });
                done.get(60, TimeUnit.SECONDS);
                assertEquals(expected, inferenceNice.get(), "the inference thread (listeners run on it)");
                // one worker in the model's matmul pool and one in the serving runner's attention pool; each sets its
                // priority first thing when it starts, which may not have happened yet if it has had no work
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (poolThreadsAtNice(expected) < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(2, poolThreadsAtNice(expected), "CPU pool workers at nice " + expected);
            } finally {
                engine.close();
            }
        }
    }

    @Test
    void aThreadAlreadyNicerKeepsItsValue() throws Exception {
        int expected = Math.max(15, ComputePriority.current());
        AtomicInteger after = new AtomicInteger(Integer.MIN_VALUE);
        Thread t = new Thread(() -> {
            assertNull(ComputePriority.lower(15));
            assertNull(ComputePriority.lower(13), "nothing to do, not a failure");
            after.set(ComputePriority.current());
        });
        t.start();
        t.join();
        assertEquals(expected, after.get(), "never raised back to a higher priority");
    }

    @Test
    void zeroLeavesThePriorityAloneAndOutOfRangeIsRefused() {
        int before = ComputePriority.current();
        assertNull(ComputePriority.lower(0));
        assertEquals(before, ComputePriority.current());
        assertThrows(IllegalArgumentException.class, () -> ComputePriority.lower(20));
        assertThrows(IllegalArgumentException.class, () -> ModelOptions.defaults().withComputeNice(-1));
    }

    /** Counts this JVM's {@code mopao-cpu-*} threads whose kernel nice value is {@code nice}. */
    private static long poolThreadsAtNice(int nice) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.filter(t -> {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    return comm.startsWith("mopao-cpu-") && Integer.parseInt(rest[16]) == nice;
                } catch (IOException | RuntimeException e) {
                    return false; // the thread ended while we looked
                }
            }).count();
        }
    }
}
