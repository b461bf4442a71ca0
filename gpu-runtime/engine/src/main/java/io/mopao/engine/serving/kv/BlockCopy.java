package io.mopao.engine.serving.kv;

/**
 * A copy-on-write order for the model runner: copy every slot of block {@code src} into block {@code dst} (all
 * layers, keys and values) before this step's forward pass writes into {@code dst}.
 *
 * @param src block id to read
 * @param dst block id to write
 */
public record BlockCopy(int src, int dst) {
}
