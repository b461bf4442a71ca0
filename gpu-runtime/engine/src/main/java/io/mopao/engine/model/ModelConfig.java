package io.mopao.engine.model;

/**
 * Hyper-parameters of a decoder-only transformer, read from GGUF metadata. Immutable.
 *
 * @param architecture  {@code llama} or {@code qwen2}
 * @param dim           model (embedding) width
 * @param layers        number of transformer blocks
 * @param heads         query heads
 * @param kvHeads       key/value heads (GQA: heads is a multiple of kvHeads)
 * @param headDim       width of one head
 * @param ffnDim        hidden width of the SwiGLU feed-forward
 * @param vocabSize     vocabulary size (rows of the embedding)
 * @param contextLength maximum positions the model was trained for
 * @param normEps       RMSNorm epsilon
 * @param ropeTheta     RoPE frequency base
 * @param ropeDim       leading dimensions of each head that are rotated (normally headDim)
 * @param ropeNeox      NeoX layout (pairs i and i + ropeDim/2) instead of adjacent pairs (2i, 2i+1)
 * @param ropeInvFreq   per pair, the rotation frequency after any scaling: {@code [ropeDim / 2]}
 * @param qkvBias       whether Q, K and V projections have a bias (Qwen2)
 */
public record ModelConfig(String architecture, int dim, int layers, int heads, int kvHeads, int headDim, int ffnDim,
                          int vocabSize, int contextLength, float normEps, float ropeTheta, int ropeDim, boolean ropeNeox,
                          float[] ropeInvFreq, boolean qkvBias) {

    /** Width of all query heads together. */
    public int qDim() {
        return heads * headDim;
    }

    /** Width of all key (or value) heads together. */
    public int kvDim() {
        return kvHeads * headDim;
    }

    @Override
    public String toString() {
        return architecture + " dim=" + dim + " layers=" + layers + " heads=" + heads + "/" + kvHeads + " headDim=" + headDim
                + " ffn=" + ffnDim + " vocab=" + vocabSize + " ctx=" + contextLength + " rope=" + (ropeNeox ? "neox" : "normal")
                + " theta=" + ropeTheta;
    }
}
