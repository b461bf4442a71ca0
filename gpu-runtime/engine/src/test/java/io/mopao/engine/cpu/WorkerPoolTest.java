package io.mopao.engine.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerPoolTest {

    @Test
    void everyIndexRunsExactlyOnceInGrainAlignedShares() {
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int n : new int[] {1, 2, 15, 16, 17, 100, 1000}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(n);
                for (int round = 0; round < 50; round++) {
                    pool.parallelFor(n, 4, (from, to, worker) -> {
                        assertTrue(from % 4 == 0 && worker >= 0 && worker < 3);
                        for (int i = from; i < to; i++) {
                            seen.incrementAndGet(i);
                        }
                    });
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(50, seen.get(i), "index " + i + " of " + n);
                }
            }
        }
    }

    @Test
    void aFailureInAWorkerReachesTheCaller() {
        try (WorkerPool pool = new WorkerPool(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.parallelFor(100, 1, (from, to, worker) -> {
                if (worker == 1) {
                    throw new IllegalStateException("boom");
                }
            }));
            assertEquals("boom", e.getMessage());
            // and the pool keeps working
            AtomicIntegerArray seen = new AtomicIntegerArray(10);
            pool.parallelFor(10, 1, (from, to, worker) -> {
                for (int i = from; i < to; i++) {
                    seen.incrementAndGet(i);
                }
            });
            for (int i = 0; i < 10; i++) {
                assertEquals(1, seen.get(i));
            }
        }
    }
}
