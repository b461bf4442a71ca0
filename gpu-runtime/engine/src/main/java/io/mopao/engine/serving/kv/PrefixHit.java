package io.mopao.engine.serving.kv;

import java.util.List;

/**
 * The longest cached prefix of a sequence: full blocks whose KV can be reused instead of recomputed.
 *
 * @param blocks    the cached blocks, in order
 * @param numTokens positions they cover ({@code blocks.size() * blockSize})
 */
public record PrefixHit(List<KvBlock> blocks, int numTokens) {

    /** No hit. */
    public static final PrefixHit NONE = new PrefixHit(List.of(), 0);

    public PrefixHit {
        blocks = List.copyOf(blocks);
    }
}
