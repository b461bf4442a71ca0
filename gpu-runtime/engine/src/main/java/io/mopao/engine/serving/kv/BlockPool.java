package io.mopao.engine.serving.kv;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A fixed number of KV blocks with reference counts, a prefix-cache index (hash to block) and one free queue in
 * least-recently-freed order. Blocks nobody holds stay in the index, so a later request can still hit them; they
 * are evicted (their hash dropped) only when {@link #allocate} takes them from the head of the free queue.
 * Single-threaded (the inference thread).
 */
public final class BlockPool {
    private final KvBlock[] blocks;
    private final Map<BlockHash, KvBlock> cached = new HashMap<>();
    /** Sentinel of the circular free queue: head = sentinel.next (evicted first), tail = sentinel.prev. */
    private final KvBlock sentinel = new KvBlock(-1);
    private int freeCount;
    private long evictions;

    /**
     * @param numBlocks blocks in the pool, at least 1
     */
    public BlockPool(int numBlocks) {
        if (numBlocks < 1) {
            throw new IllegalArgumentException("a KV pool needs at least one block, got " + numBlocks);
        }
        blocks = new KvBlock[numBlocks];
        sentinel.next = sentinel;
        sentinel.prev = sentinel;
        for (int i = 0; i < numBlocks; i++) {
            blocks[i] = new KvBlock(i);
            append(blocks[i]);
        }
    }

    /** @return the pool size in blocks */
    public int numBlocks() {
        return blocks.length;
    }

    /** @return blocks that {@link #allocate} can hand out now (never-used, freed and evictable cached blocks) */
    public int freeCount() {
        return freeCount;
    }

    /** @return cached blocks evicted so far */
    public long evictions() {
        return evictions;
    }

    /** @return blocks currently in the prefix-cache index */
    public int cachedCount() {
        return cached.size();
    }

    /**
     * @param id a block id
     * @return the block
     */
    public KvBlock block(int id) {
        return blocks[id];
    }

    /**
     * Takes {@code n} blocks from the head of the free queue, evicting their cached hashes; each gets reference
     * count 1.
     *
     * @param n how many
     * @return the blocks in allocation order, or null (nothing taken) when fewer than n are free
     */
    public List<KvBlock> allocate(int n) {
        if (n > freeCount) {
            return null;
        }
        List<KvBlock> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            KvBlock b = sentinel.next;
            unlink(b);
            if (b.hash != null) {
                cached.remove(b.hash);
                b.hash = null;
                evictions++;
            }
            b.refCount = 1;
            out.add(b);
        }
        return out;
    }

    /**
     * @param hash a full block's hash
     * @return the cached block holding it, or null
     */
    public KvBlock lookup(BlockHash hash) {
        return cached.get(hash);
    }

    /**
     * Takes one more reference on a block (a cache hit or a fork); a free cached block leaves the free queue.
     *
     * @param b the block
     */
    public void retain(KvBlock b) {
        if (b.free) {
            unlink(b);
        }
        b.refCount++;
    }

    /**
     * Drops one reference; at zero the block goes to the tail of the free queue (still cached if it has a hash).
     *
     * @param b the block
     */
    public void release(KvBlock b) {
        if (b.refCount <= 0) {
            throw new IllegalStateException(b + " released more often than held");
        }
        if (--b.refCount == 0) {
            append(b);
        }
    }

    /**
     * Registers a full block under its content hash. When another block already holds that hash, the index keeps
     * the existing one and this block stays uncached (it is freed normally).
     *
     * @param b    the block, held by the caller
     * @param hash its hash
     * @return whether the block is now the cached holder of the hash
     */
    public boolean cache(KvBlock b, BlockHash hash) {
        if (b.hash != null) {
            return b.hash.equals(hash);
        }
        if (cached.putIfAbsent(hash, b) != null) {
            return false;
        }
        b.hash = hash;
        return true;
    }

    /**
     * Drops every unreferenced cached block from the index (e.g. after the weights change).
     *
     * @return how many were dropped
     */
    public int resetCache() {
        int n = 0;
        for (KvBlock b = sentinel.next; b != sentinel; b = b.next) {
            if (b.hash != null) {
                cached.remove(b.hash);
                b.hash = null;
                n++;
            }
        }
        return n;
    }

    /** @return the ids in the free queue, head (next to be evicted) first; for tests and diagnostics */
    public int[] freeQueue() {
        int[] out = new int[freeCount];
        int i = 0;
        for (KvBlock b = sentinel.next; b != sentinel; b = b.next) {
            out[i++] = b.id();
        }
        return out;
    }

    private void append(KvBlock b) {
        b.prev = sentinel.prev;
        b.next = sentinel;
        sentinel.prev.next = b;
        sentinel.prev = b;
        b.free = true;
        freeCount++;
    }

    private void unlink(KvBlock b) {
        b.prev.next = b.next;
        b.next.prev = b.prev;
        b.prev = null;
        b.next = null;
        b.free = false;
        freeCount--;
    }
}
