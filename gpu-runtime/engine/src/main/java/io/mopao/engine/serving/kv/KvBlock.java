package io.mopao.engine.serving.kv;

/**
 * One fixed-size block of KV slots in the pool: {@code blockSize} consecutive token positions of one sequence (or of
 * several, when shared). Mutable bookkeeping, owned by {@link BlockPool}; only its id, reference count and hash are
 * visible outside.
 */
public final class KvBlock {
    private final int id;
    int refCount;
    BlockHash hash;
    // links of the free queue (blocks with refCount == 0), null when not in it
    KvBlock prev;
    KvBlock next;
    boolean free;

    KvBlock(int id) {
        this.id = id;
    }

    /** @return the block's index in the pool (its slots are {@code id * blockSize ... + blockSize - 1}) */
    public int id() {
        return id;
    }

    /** @return how many sequences hold this block */
    public int refCount() {
        return refCount;
    }

    /** @return the hash of its contents when it is a full, cached block, else null */
    public BlockHash hash() {
        return hash;
    }

    @Override
    public String toString() {
        return "block " + id + " (ref " + refCount + (hash != null ? ", cached" : "") + ")";
    }
}
