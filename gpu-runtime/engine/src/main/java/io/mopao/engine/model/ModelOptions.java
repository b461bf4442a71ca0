package io.mopao.engine.model;

/**
 * How to load and run a model.
 *
 * @param threads     CPU worker threads (fixed for the model's lifetime), at least 1
 * @param maxContext  positions each state can hold; 0 means the model's context length
 * @param chunkSize   prompt tokens processed together by one forward step (prefill chunk)
 * @param vectorized  use the Vector API kernels (true) or the scalar reference kernels (false)
 */
public record ModelOptions(int threads, int maxContext, int chunkSize, boolean vectorized) {

    public ModelOptions {
        if (threads < 1 || maxContext < 0 || chunkSize < 1) {
            throw new IllegalArgumentException("threads and chunkSize must be >= 1, maxContext >= 0");
        }
    }

    /** Defaults: all available processors, the model's context, chunks of 32, vectorized kernels. */
    public static ModelOptions defaults() {
        return new ModelOptions(Runtime.getRuntime().availableProcessors(), 0, 32, true);
    }

    public ModelOptions withThreads(int t) {
        return new ModelOptions(t, maxContext, chunkSize, vectorized);
    }

    public ModelOptions withMaxContext(int c) {
        return new ModelOptions(threads, c, chunkSize, vectorized);
    }

    public ModelOptions withChunkSize(int c) {
        return new ModelOptions(threads, maxContext, c, vectorized);
    }

    public ModelOptions withVectorized(boolean v) {
        return new ModelOptions(threads, maxContext, chunkSize, v);
    }
}
