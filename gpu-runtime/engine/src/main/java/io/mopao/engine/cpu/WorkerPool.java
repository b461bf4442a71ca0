package io.mopao.engine.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of worker threads for fork-join style loops with microsecond overhead: the caller runs one share
 * itself, workers spin briefly between jobs and then park. Not reentrant; one caller at a time.
 */
public final class WorkerPool implements AutoCloseable {

    /** A loop body over {@code [from, to)}, run by worker {@code worker} (0 is the caller). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to, int worker);
    }

    private static final long SPIN_NANOS = 100_000;

    private final int threads;
    private final Thread[] workers;
    private final AtomicIntegerArray parked;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long generation;
    private volatile boolean closed;
    private volatile Range job;
    private volatile int jobSize;
    private volatile int jobGrain;
    private volatile Throwable failure;

    public WorkerPool(int threads) {
        this(threads, 0);
    }

    /**
     * @param threads threads including the caller's, at least 1
     * @param nice    nice value the worker threads give themselves ({@link ComputePriority}); 0 for normal priority
     */
    public WorkerPool(int threads, int nice) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1");
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        this.parked = new AtomicIntegerArray(threads);
        for (int i = 1; i < threads; i++) {
            int index = i;
            Thread t = new Thread(() -> {
                String problem = ComputePriority.lower(nice);
                if (problem != null) {
                    System.getLogger(WorkerPool.class.getName()).log(System.Logger.Level.WARNING,
                        "{0} keeps normal priority (nice {1} requested): {2}", Thread.currentThread().getName(), nice, problem);
                }
                workerLoop(index);
            }, "mopao-cpu-" + i);
            t.setDaemon(true);
            workers[i - 1] = t;
            t.start();
        }
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into one contiguous share per thread (shares are multiples of
     * {@code grain}); returns when all are done.
     */
    public void parallelFor(int n, int grain, Range body) {
        if (threads == 1 || n <= grain) {
            body.run(0, n, 0);
            return;
        }
        job = body;
        jobSize = n;
        jobGrain = grain;
        pending.set(threads - 1);
        generation++;
        for (int i = 1; i < threads; i++) {
            if (parked.get(i) != 0) {
                LockSupport.unpark(workers[i - 1]);
            }
        }
        runShare(body, n, grain, 0);
        // spin briefly; if a worker is slow (e.g. descheduled on a busy machine) give it this core
        for (int spins = 0; pending.get() != 0; spins++) {
            if (spins < 20_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        job = null;
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(f);
        }
    }

    private void runShare(Range body, int n, int grain, int index) {
        int units = (n + grain - 1) / grain;
        int from = (int) ((long) units * index / threads) * grain;
        int to = Math.min(n, (int) ((long) units * (index + 1) / threads) * grain);
        if (from < to) {
            body.run(from, to, index);
        }
    }

    private void workerLoop(int index) {
        long seen = 0;
        while (true) {
            long start = System.nanoTime();
            int spins = 0;
            while (generation == seen) {
                if (closed) {
                    return;
                }
                if (++spins < 64 || System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked.set(index, 1);
                    if (generation == seen && !closed) {
                        LockSupport.park(this);
                    }
                    parked.set(index, 0);
                    spins = 0;
                    start = System.nanoTime();
                }
            }
            seen = generation;
            try {
                runShare(job, jobSize, jobGrain, index);
            } catch (Throwable t) {
                failure = t;
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) {
            LockSupport.unpark(t);
        }
    }
}
