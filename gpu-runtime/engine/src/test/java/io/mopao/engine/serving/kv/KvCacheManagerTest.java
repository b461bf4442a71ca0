package io.mopao.engine.serving.kv;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exact block ids, reference counts and eviction order of the paged KV cache with blocks of 4 positions. */
class KvCacheManagerTest {

    private static KvCacheManager manager(int blocks) {
        return new KvCacheManager(new KvCacheConfig(4, blocks, true), "model-a");
    }

    private static int[] tokens(int from, int n) {
        return IntStream.range(from, from + n).toArray();
    }

    private static int[] concat(int[] a, int... b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int ref(KvCacheManager m, int block) {
        return m.pool().block(block).refCount();
    }

    @Test
    void allocatesFromTheHeadOfTheFreeQueueAndCachesOnlyFullBlocks() {
        KvCacheManager m = manager(8);
        int[] t = tokens(100, 10);
        assertTrue(m.allocate(1, t, 0, 10, PrefixHit.NONE));
        assertArrayEquals(new int[] {0, 1, 2}, m.blockTable(1));
        assertEquals(5, m.pool().freeCount());
        assertArrayEquals(new int[] {3, 4, 5, 6, 7}, m.pool().freeQueue());
        assertEquals(1, ref(m, 0));
        assertNotNull(m.pool().block(0).hash());
        assertNotNull(m.pool().block(1).hash());
        assertNull(m.pool().block(2).hash(), "a partial block is never cached");
        assertEquals(2, m.pool().cachedCount());
    }

    @Test
    void decodeTakesANewBlockOnlyAtABlockBoundary() {
        KvCacheManager m = manager(8);
        int[] t = tokens(0, 6);
        assertTrue(m.allocate(1, t, 0, 4, PrefixHit.NONE));
        assertArrayEquals(new int[] {0}, m.blockTable(1));
        assertTrue(m.allocate(1, t, 4, 1, PrefixHit.NONE));
        assertArrayEquals(new int[] {0, 1}, m.blockTable(1));
        assertTrue(m.allocate(1, t, 5, 1, PrefixHit.NONE));
        assertArrayEquals(new int[] {0, 1}, m.blockTable(1));
        assertEquals(6, m.pool().freeCount());
    }

    @Test
    void secondRequestReusesTheCachedPrefixAndSharesItsBlocks() {
        KvCacheManager m = manager(8);
        int[] a = tokens(1, 10);
        assertTrue(m.allocate(1, a, 0, 10, PrefixHit.NONE));
        int[] b = concat(tokens(1, 8), 70, 71, 72, 73);
        PrefixHit hit = m.findCachedPrefix(2, b, b.length);
        assertEquals(8, hit.numTokens());
        assertEquals(List.of(m.pool().block(0), m.pool().block(1)), hit.blocks());
        assertTrue(m.allocate(2, b, 8, 4, hit));
        assertArrayEquals(new int[] {0, 1, 3}, m.blockTable(2));
        assertEquals(2, ref(m, 0));
        assertEquals(2, ref(m, 1));
        assertEquals(1, ref(m, 2));
        assertEquals(1, ref(m, 3));
        assertEquals(4, m.pool().freeCount());
    }

    @Test
    void theLastPromptTokenIsAlwaysComputed() {
        KvCacheManager m = manager(8);
        int[] a = tokens(1, 8);
        assertTrue(m.allocate(1, a, 0, 8, PrefixHit.NONE));
        PrefixHit hit = m.findCachedPrefix(2, a, a.length);
        assertEquals(4, hit.numTokens(), "7 positions may hit, i.e. one full block");
        assertEquals(List.of(m.pool().block(0)), hit.blocks());
    }

    @Test
    void hashesChainThroughParentsAndSeparateModels() {
        int[] t = tokens(5, 8);
        BlockHash first = BlockHash.of(BlockHash.NONE, t, 0, 4, "m");
        assertEquals(first, BlockHash.of(BlockHash.NONE, t, 0, 4, "m"));
        assertNotEquals(first, BlockHash.of(BlockHash.NONE, t, 0, 4, "m+lora"));
        assertNotEquals(BlockHash.of(first, t, 4, 8, "m"), BlockHash.of(BlockHash.NONE, t, 4, 8, "m"),
                "the same tokens after a different prefix are a different block");

        KvCacheManager a = new KvCacheManager(new KvCacheConfig(4, 8, true), "model-a");
        int[] p = tokens(1, 9);
        assertTrue(a.allocate(1, p, 0, 9, PrefixHit.NONE));
        // same tokens at another offset: no hit, because the parent chain differs
        int[] shifted = concat(new int[] {99, 98, 97, 96}, tokens(5, 5));
        assertEquals(0, a.findCachedPrefix(2, shifted, shifted.length).numTokens());
    }

    @Test
    void unreferencedBlocksStayCachedAndAreEvictedLeastRecentlyFreedFirst() {
        KvCacheManager m = manager(6);
        int[] a = tokens(1, 8);
        int[] b = tokens(200, 8);
        assertTrue(m.allocate(1, a, 0, 8, PrefixHit.NONE));
        assertTrue(m.allocate(2, b, 0, 8, PrefixHit.NONE));
        assertArrayEquals(new int[] {0, 1}, m.blockTable(1));
        assertArrayEquals(new int[] {2, 3}, m.blockTable(2));
        m.free(1);
        m.free(2);
        // each sequence's tail block is queued before its head block
        assertArrayEquals(new int[] {4, 5, 1, 0, 3, 2}, m.pool().freeQueue());
        assertEquals(4, m.pool().cachedCount());
        assertEquals(0, ref(m, 0));

        int[] c = tokens(500, 12);
        assertTrue(m.allocate(3, c, 0, 12, PrefixHit.NONE));
        assertArrayEquals(new int[] {4, 5, 1}, m.blockTable(3), "never-used blocks first, then the least recently freed");
        assertEquals(1, m.pool().evictions());
        assertNotNull(m.pool().block(1).hash(), "block 1 now caches c's third (full) block");
        assertEquals(6, m.pool().cachedCount());

        // a's first block survived; its second was evicted
        int[] a2 = concat(a, 42);
        PrefixHit hit = m.findCachedPrefix(4, a2, a2.length);
        assertEquals(List.of(m.pool().block(0)), hit.blocks());
        assertTrue(m.allocate(4, a2, 4, 5, hit));
        assertArrayEquals(new int[] {0, 3, 2}, m.blockTable(4));
        assertEquals(3, m.pool().evictions());
        assertEquals(0, m.pool().freeCount());
        assertEquals(5, m.pool().cachedCount());
    }

    @Test
    void cannotAllocateIsAReturnValueAndChangesNothing() {
        KvCacheManager m = manager(4);
        assertTrue(m.allocate(1, tokens(0, 12), 0, 12, PrefixHit.NONE));
        int[] free = m.pool().freeQueue();
        assertFalse(m.allocate(2, tokens(50, 8), 0, 8, PrefixHit.NONE));
        assertArrayEquals(free, m.pool().freeQueue());
        assertArrayEquals(new int[0], m.blockTable(2));
        m.free(2);
        assertEquals(1, m.pool().freeCount());
    }

    @Test
    void aHitOnFreeCachedBlocksCountsThemAsTaken() {
        KvCacheManager m = manager(3);
        int[] a = tokens(1, 8);
        assertTrue(m.allocate(1, a, 0, 8, PrefixHit.NONE));
        m.free(1);
        // 3 free blocks, but two of them are the hit: only one is left for the new tail, and 9 + 4 tokens need two
        int[] longer = concat(a, 9, 10, 11, 12, 13);
        PrefixHit hit = m.findCachedPrefix(2, longer, longer.length);
        assertEquals(8, hit.numTokens());
        assertFalse(m.allocate(2, longer, 8, 5, hit));
        assertEquals(3, m.pool().freeCount());
        assertTrue(m.allocate(2, longer, 8, 4, hit));
        assertArrayEquals(new int[] {0, 1, 2}, m.blockTable(2));
        assertEquals(0, m.pool().evictions());
    }

    @Test
    void forkSharesBlocksAndTheFirstWriteCopiesTheSharedPartialBlock() {
        KvCacheManager m = manager(8);
        int[] t = tokens(1, 6);
        assertTrue(m.allocate(1, t, 0, 6, PrefixHit.NONE));
        m.fork(1, 2);
        assertArrayEquals(new int[] {0, 1}, m.blockTable(2));
        assertEquals(2, ref(m, 0));
        assertEquals(2, ref(m, 1));

        int[] child = concat(t, 77);
        assertTrue(m.allocate(2, child, 6, 1, PrefixHit.NONE));
        assertArrayEquals(new int[] {0, 2}, m.blockTable(2));
        assertEquals(List.of(new BlockCopy(1, 2)), m.drainCopies());
        assertEquals(2, ref(m, 0), "the full block stays shared");
        assertEquals(1, ref(m, 1));
        assertEquals(1, ref(m, 2));

        int[] parent = concat(t, 55);
        assertTrue(m.allocate(1, parent, 6, 1, PrefixHit.NONE));
        assertArrayEquals(new int[] {0, 1}, m.blockTable(1), "the parent now owns its block alone: no copy");
        assertTrue(m.drainCopies().isEmpty());
        m.free(1);
        m.free(2);
        assertEquals(8, m.pool().freeCount());
    }

    @Test
    void copyOnWriteNeedsAFreeBlock() {
        KvCacheManager m = manager(3);
        int[] t = tokens(1, 6);
        assertTrue(m.allocate(1, t, 0, 6, PrefixHit.NONE));
        m.fork(1, 2);
        assertFalse(m.allocate(2, concat(t, 1, 2, 3), 6, 3, PrefixHit.NONE), "a copy and a new block need 2, one is free");
        assertTrue(m.drainCopies().isEmpty());
        assertEquals(2, ref(m, 1));
        assertTrue(m.allocate(2, concat(t, 1), 6, 1, PrefixHit.NONE));
        assertArrayEquals(new int[] {0, 2}, m.blockTable(2));
        assertEquals(List.of(new BlockCopy(1, 2)), m.drainCopies());
    }

    @Test
    void withoutPrefixCachingNothingIsIndexedOrHit() {
        KvCacheManager m = new KvCacheManager(new KvCacheConfig(4, 8, false), "model-a");
        int[] a = tokens(1, 12);
        assertTrue(m.allocate(1, a, 0, 12, PrefixHit.NONE));
        assertEquals(0, m.pool().cachedCount());
        assertSame(PrefixHit.NONE, m.findCachedPrefix(2, a, a.length));
    }

    @Test
    void poolSizeFollowsTheByteOrTokenBudget() {
        // 2 layers, kvDim 8, 4 positions: 2 * 2 * 4 * 8 * 4 = 512 bytes a block
        assertEquals(512, KvCacheConfig.bytesPerBlock(2, 8, 4));
        assertEquals(3, KvCacheConfig.ofBytes(1600, 2, 8, 4, true).numBlocks());
        assertEquals(3, KvCacheConfig.ofTokens(10, 4, true).numBlocks());
        assertThrows(IllegalArgumentException.class, () -> KvCacheConfig.ofBytes(100, 2, 8, 4, true));
    }
}
