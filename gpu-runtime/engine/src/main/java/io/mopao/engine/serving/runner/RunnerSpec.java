package io.mopao.engine.serving.runner;

import io.mopao.engine.model.Backend;
import io.mopao.engine.model.ModelConfig;
import io.mopao.engine.model.ModelWeights;
import io.mopao.engine.serving.kv.KvCacheConfig;

/**
 * Everything a {@link StepRunnerFactory} needs to build the runner of one engine.
 *
 * @param config       the model's configuration
 * @param weights      its weights (host memory; a device runner uploads them once)
 * @param backend      the model's host backend (what the CPU runner multiplies with; a device runner ignores it)
 * @param kv           the shape of the paged KV pool (the engine's block manager hands out its block ids)
 * @param maxTokens    the most tokens in one step (the scheduler's token budget)
 * @param maxSeqs      the most sequences in one step
 * @param maxPositions the most positions of one sequence
 * @param threads      host threads for attention (CPU runner)
 * @param computeNice  nice value of those threads (0: normal priority; see {@link io.mopao.engine.cpu.ComputePriority})
 */
public record RunnerSpec(ModelConfig config, ModelWeights weights, Backend backend, KvCacheConfig kv, int maxTokens, int maxSeqs,
                         int maxPositions, int threads, int computeNice) {

    public RunnerSpec {
        if (maxTokens <= 0 || maxSeqs <= 0 || maxPositions <= 0 || threads <= 0) {
            throw new IllegalArgumentException("runner sizes must be positive: maxTokens " + maxTokens + ", maxSeqs " + maxSeqs
                    + ", maxPositions " + maxPositions + ", threads " + threads);
        }
    }

    /** A spec whose threads run at normal priority. */
    public RunnerSpec(ModelConfig config, ModelWeights weights, Backend backend, KvCacheConfig kv, int maxTokens, int maxSeqs,
                      int maxPositions, int threads) {
        this(config, weights, backend, kv, maxTokens, maxSeqs, maxPositions, threads, 0);
    }
}
