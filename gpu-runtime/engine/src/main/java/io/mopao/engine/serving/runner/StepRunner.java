package io.mopao.engine.serving.runner;

import io.mopao.engine.serving.scheduler.SchedulerOutput;

/**
 * The serving core's batched step, whatever runs it: one call per scheduler step for the whole batch (block copies,
 * one forward pass over every scheduled token of every sequence through the paged KV cache, the classifier on the last
 * row of each sampling sequence). The CPU implementation is {@link ModelRunner}; the CUDA backend ({@code
 * io.mopao.cuda.CudaModelRunner}) implements it on the device, outside this module. Owned by the engine's inference
 * thread; created by a {@link StepRunnerFactory}.
 */
public interface StepRunner extends AutoCloseable {

    /**
     * Executes one step.
     *
     * @param step the scheduler's plan
     * @return logits {@code [S, vocabSize]} for the S sequences with {@code sample()} set, in plan order (owned by the
     *         runner, overwritten by the next call; it may be longer than {@code S * vocabSize})
     */
    float[] execute(SchedulerOutput step);

    /** @return what runs the step, for logs and health, e.g. {@code cpu(vector, 2 threads)} or {@code cuda(NVIDIA H200 (sm_90, ...))} */
    String name();

    /** @return bytes of the paged KV pool this runner holds (host or device memory) */
    long kvBytes();

    /** Releases the runner's threads and memory. */
    @Override
    void close();
}
