package io.mopao.engine.model;

/**
 * How to load and run a model.
 *
 * @param threads     CPU worker threads (fixed for the model's lifetime), at least 1
 * @param maxContext  positions each state can hold; 0 means the model's context length
 * @param chunkSize   prompt tokens processed together by one forward step (prefill chunk)
 * @param vectorized  use the Vector API kernels (true) or the scalar reference kernels (false)
 * @param computeNice Linux nice value (0-19) of the threads that run forward passes (the CPU pool's workers and the
 *                    serving engine's inference thread); 0 leaves them at normal priority, a higher value lets other
 *                    processes on the same cores run first (see {@link io.mopao.engine.cpu.ComputePriority}).
 */
public record ModelOptions(int threads, int maxContext, int chunkSize, boolean vectorized, int computeNice) {

    public ModelOptions {
        if (threads < 1 || maxContext < 0 || chunkSize < 1) {
            throw new IllegalArgumentException("threads and chunkSize must be >= 1, maxContext >= 0");
        }
        if (computeNice < 0 || computeNice > 19) {
            throw new IllegalArgumentException("computeNice must be in [0, 19], got " + computeNice);
        }
    }

    /** Options at normal priority ({@code computeNice} 0). */
    public ModelOptions(int threads, int maxContext, int chunkSize, boolean vectorized) {
        this(threads, maxContext, chunkSize, vectorized, 0);
    }

    /** Defaults: all available processors, the model's context, chunks of 32, vectorized kernels, normal priority. */
    public static ModelOptions defaults() {
        return new ModelOptions(Runtime.getRuntime().availableProcessors(), 0, 32, true, 0);
    }

    public ModelOptions withThreads(int t) {
        return new ModelOptions(t, maxContext, chunkSize, vectorized, computeNice);
    }

    public ModelOptions withMaxContext(int c) {
        return new ModelOptions(threads, c, chunkSize, vectorized, computeNice);
    }

    public ModelOptions withChunkSize(int c) {
        return new ModelOptions(threads, maxContext, c, vectorized, computeNice);
    }

    public ModelOptions withVectorized(boolean v) {
        return new ModelOptions(threads, maxContext, chunkSize, v, computeNice);
    }

    public ModelOptions withComputeNice(int n) {
        return new ModelOptions(threads, maxContext, chunkSize, vectorized, n);
    }
}
