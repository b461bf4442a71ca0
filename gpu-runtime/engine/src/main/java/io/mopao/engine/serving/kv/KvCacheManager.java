package io.mopao.engine.serving.kv;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Block tables of the running sequences on top of one {@link BlockPool}: finds cached prefixes, allocates the slots
 * a step will write (copying a shared block first when a sequence is about to write into it), registers blocks in
 * the prefix cache as soon as they are full, and frees. Touches no tensors: the model runner reads the block
 * tables and executes the {@link BlockCopy} orders. Single-threaded (the inference thread), like vLLM v1's
 * {@code KVCacheManager}.
 */
public final class KvCacheManager {
    private final KvCacheConfig config;
    private final String identity;
    private final BlockPool pool;
    private final Map<Long, SeqBlocks> tables = new HashMap<>();
    private final List<BlockCopy> copies = new ArrayList<>();

    /** Blocks and block hashes of one sequence. */
    private static final class SeqBlocks {
        final List<KvBlock> blocks = new ArrayList<>();
        final List<BlockHash> hashes = new ArrayList<>();
        int registered;
    }

    /**
     * @param config   pool shape
     * @param identity model and adapter identity mixed into every block hash
     */
    public KvCacheManager(KvCacheConfig config, String identity) {
        this.config = config;
        this.identity = identity;
        this.pool = new BlockPool(config.numBlocks());
    }

    public KvCacheConfig config() {
        return config;
    }

    public BlockPool pool() {
        return pool;
    }

    /**
     * The longest run of cached full blocks at the start of a sequence that holds no blocks yet. At most
     * {@code numTokens - 1} positions hit, so the last token is always computed (its logits are needed).
     *
     * @param seqId     the sequence
     * @param tokens    its tokens
     * @param numTokens how many of them are known
     * @return the hit (the blocks are not yet held: pass it to {@link #allocate})
     */
    public PrefixHit findCachedPrefix(long seqId, int[] tokens, int numTokens) {
        if (!config.prefixCaching()) {
            return PrefixHit.NONE;
        }
        SeqBlocks s = tables.computeIfAbsent(seqId, k -> new SeqBlocks());
        if (!s.blocks.isEmpty()) {
            throw new IllegalStateException("sequence " + seqId + " already holds blocks");
        }
        int maxBlocks = (numTokens - 1) / config.blockSize();
        List<KvBlock> hit = new ArrayList<>();
        for (int i = 0; i < maxBlocks; i++) {
            KvBlock b = pool.lookup(hash(s, tokens, i));
            if (b == null) {
                break;
            }
            hit.add(b);
        }
        return hit.isEmpty() ? PrefixHit.NONE : new PrefixHit(hit, hit.size() * config.blockSize());
    }

    /**
     * Makes room for {@code numNewTokens} positions after {@code numComputed} (which counts the hit, if any). Either
     * everything is taken or nothing: on false the pool and the table are unchanged, and the caller preempts or
     * waits.
     *
     * @param seqId        the sequence
     * @param tokens       its tokens (at least {@code numComputed + numNewTokens} known)
     * @param numComputed  positions whose KV is (or, with the hit, will be) in the cache
     * @param numNewTokens positions this step computes
     * @param hit          the prefix hit for a sequence that holds no blocks yet, else {@link PrefixHit#NONE}
     * @return whether the slots were allocated
     */
    public boolean allocate(long seqId, int[] tokens, int numComputed, int numNewTokens, PrefixHit hit) {
        SeqBlocks s = tables.computeIfAbsent(seqId, k -> new SeqBlocks());
        if (!hit.blocks().isEmpty() && !s.blocks.isEmpty()) {
            throw new IllegalStateException("a prefix hit for sequence " + seqId + " that already holds blocks");
        }
        int bs = config.blockSize();
        int total = numComputed + numNewTokens;
        int held = s.blocks.size() + hit.blocks().size();
        int fresh = Math.max(0, config.blocksFor(total) - held);
        // blocks this step writes into that others also hold must be copied first
        int cow = 0;
        if (numNewTokens > 0) {
            for (int i = numComputed / bs; i < s.blocks.size(); i++) {
                if (s.blocks.get(i).refCount() > 1) {
                    cow++;
                }
            }
        }
        int reserved = 0;
        for (KvBlock b : hit.blocks()) {
            if (b.refCount() == 0) {
                reserved++; // a free cached block stops being allocatable once held
            }
        }
        if (fresh + cow > pool.freeCount() - reserved) {
            return false;
        }
        for (KvBlock b : hit.blocks()) {
            pool.retain(b);
            s.blocks.add(b);
        }
        if (s.registered < hit.blocks().size()) {
            s.registered = hit.blocks().size();
        }
        if (cow > 0) {
            for (int i = numComputed / bs; i < s.blocks.size(); i++) {
                KvBlock old = s.blocks.get(i);
                if (old.refCount() > 1) {
                    KvBlock copy = pool.allocate(1).get(0);
                    copies.add(new BlockCopy(old.id(), copy.id()));
                    pool.release(old);
                    s.blocks.set(i, copy);
                }
            }
        }
        if (fresh > 0) {
            s.blocks.addAll(pool.allocate(fresh));
        }
        if (config.prefixCaching()) {
            int full = total / bs;
            for (int i = s.registered; i < full; i++) {
                pool.cache(s.blocks.get(i), hash(s, tokens, i));
            }
            s.registered = Math.max(s.registered, full);
        }
        return true;
    }

    /**
     * Shares every block of {@code parent} with a new sequence {@code child} (e.g. several samples of one prompt);
     * the first write into a shared block copies it.
     *
     * @param parent a sequence holding blocks
     * @param child  a sequence holding none
     */
    public void fork(long parent, long child) {
        SeqBlocks p = tables.get(parent);
        if (p == null) {
            throw new IllegalStateException("sequence " + parent + " holds no blocks");
        }
        if (tables.containsKey(child) && !tables.get(child).blocks.isEmpty()) {
            throw new IllegalStateException("sequence " + child + " already holds blocks");
        }
        SeqBlocks c = new SeqBlocks();
        for (KvBlock b : p.blocks) {
            pool.retain(b);
            c.blocks.add(b);
        }
        c.hashes.addAll(p.hashes);
        c.registered = p.registered;
        tables.put(child, c);
    }

    /**
     * Drops a sequence's blocks, last block first, so that when they are evicted later the tail of a prefix goes
     * before its head.
     *
     * @param seqId the sequence (no-op when it holds nothing)
     */
    public void free(long seqId) {
        SeqBlocks s = tables.remove(seqId);
        if (s == null) {
            return;
        }
        for (int i = s.blocks.size() - 1; i >= 0; i--) {
            pool.release(s.blocks.get(i));
        }
    }

    /**
     * @param seqId the sequence
     * @return its block ids in position order (empty when it holds none)
     */
    public int[] blockTable(long seqId) {
        SeqBlocks s = tables.get(seqId);
        if (s == null) {
            return new int[0];
        }
        int[] ids = new int[s.blocks.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = s.blocks.get(i).id();
        }
        return ids;
    }

    /** @return the copy-on-write orders since the last call, in order; clears them */
    public List<BlockCopy> drainCopies() {
        List<BlockCopy> out = List.copyOf(copies);
        copies.clear();
        return out;
    }

    private BlockHash hash(SeqBlocks s, int[] tokens, int index) {
        int bs = config.blockSize();
        while (s.hashes.size() <= index) {
            int i = s.hashes.size();
            BlockHash parent = i == 0 ? BlockHash.NONE : s.hashes.get(i - 1);
            s.hashes.add(BlockHash.of(parent, tokens, i * bs, (i + 1) * bs, identity));
        }
        return s.hashes.get(index);
    }
}
