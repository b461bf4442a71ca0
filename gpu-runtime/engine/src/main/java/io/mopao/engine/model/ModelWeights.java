package io.mopao.engine.model;

import io.mopao.engine.tensor.Tensor;

import java.util.List;

/**
 * All weights of a model; tensors point into the memory-mapped GGUF file. Immutable view.
 *
 * @param tokenEmbedding token embedding table: {@code [vocabSize, dim]}
 * @param layers         one entry per block
 * @param outputNorm     final RMSNorm weight: {@code [dim]}
 * @param output         classifier: {@code [vocabSize, dim]}; the same tensor as tokenEmbedding when tied
 */
public record ModelWeights(Tensor tokenEmbedding, List<LayerWeights> layers, float[] outputNorm, Tensor output) {

    /** Whether the output classifier shares the token embedding. */
    public boolean tiedOutput() {
        return output == tokenEmbedding;
    }
}
