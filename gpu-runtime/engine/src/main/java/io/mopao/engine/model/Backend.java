package io.mopao.engine.model;

import io.mopao.engine.tensor.Tensor;

/**
 * The operations a forward pass needs; CPU implements it today ({@code io.mopao.engine.cpu.CpuBackend}), CUDA later.
 * Activations are {@code [batch, width]} row-major; {@code batch} is the number of tokens processed together.
 * One inference thread calls a backend at a time.
 */
public interface Backend extends AutoCloseable {

    /** Short name for logs, e.g. {@code cpu(vector, 2 threads)}. */
    String name();

    /** {@code out[b, r] = sum_c w[r, c] * x[b, c]} for {@code b < batch}. */
    void matmul(Tensor w, float[] x, float[] out, int batch);

    /** {@code out[b, :] = x[b, :] / rms(x[b, :]) * weight} for rows of {@code dim}. */
    void rmsnorm(float[] out, float[] x, float[] weight, int dim, int batch, float eps);

    /** {@code x[b, :] += bias} for rows of {@code bias.length}. */
    void addBias(float[] x, float[] bias, int batch);

    /** {@code x[i] += y[i]} for {@code i < n}. */
    void add(float[] x, float[] y, int n);

    /** {@code gate[i] = silu(gate[i]) * up[i]} for {@code i < n}. */
    void siluMul(float[] gate, float[] up, int n);

    /** Rotary position embedding of {@code heads} heads per row, row {@code b} at position {@code startPos + b}. */
    void rope(float[] x, int heads, int batch, int startPos, ModelConfig config);

    /**
     * Causal attention of {@code batch} query rows (row {@code b} at position {@code startPos + b}) over the layer's
     * cached keys and values at positions {@code 0..startPos + b}; writes {@code [batch, qDim]} into {@code out}.
     */
    void attention(float[] out, float[] q, KvCache cache, int layer, int batch, int startPos, ModelConfig config);

    /** Copies row {@code token} of the embedding table, decoded to float, into {@code out[off..off + dim)}. */
    void embed(Tensor table, int token, float[] out, int off);

    @Override
    void close();
}
