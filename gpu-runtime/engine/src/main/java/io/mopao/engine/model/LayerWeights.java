package io.mopao.engine.model;

import io.mopao.engine.tensor.Tensor;

/**
 * Weights of one transformer block. Matrices are {@code [rows, cols]} with {@code out = W x}. Immutable view.
 *
 * @param attnNorm RMSNorm weight before attention: {@code [dim]}
 * @param wq       query projection: {@code [heads * headDim, dim]}
 * @param wk       key projection: {@code [kvHeads * headDim, dim]}
 * @param wv       value projection: {@code [kvHeads * headDim, dim]}
 * @param bq       query bias {@code [heads * headDim]}, or null
 * @param bk       key bias {@code [kvHeads * headDim]}, or null
 * @param bv       value bias {@code [kvHeads * headDim]}, or null
 * @param wo       attention output projection: {@code [dim, heads * headDim]}
 * @param ffnNorm  RMSNorm weight before the feed-forward: {@code [dim]}
 * @param wGate    SwiGLU gate: {@code [ffnDim, dim]}
 * @param wUp      SwiGLU up: {@code [ffnDim, dim]}
 * @param wDown    SwiGLU down: {@code [dim, ffnDim]}
 */
public record LayerWeights(float[] attnNorm, Tensor wq, Tensor wk, Tensor wv, float[] bq, float[] bk, float[] bv, Tensor wo,
                           float[] ffnNorm, Tensor wGate, Tensor wUp, Tensor wDown) {
}
