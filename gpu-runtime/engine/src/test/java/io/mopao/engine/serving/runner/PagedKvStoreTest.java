package io.mopao.engine.serving.runner;

import io.mopao.engine.serving.kv.KvCacheConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool's memory: sized once within its budget, addressed through block tables, copied block by block. */
class PagedKvStoreTest {

    @Test
    void neverHoldsMoreThanTheByteBudget() {
        long budget = 1_000_000;
        KvCacheConfig c = KvCacheConfig.ofBytes(budget, 3, 40, 16, true);
        PagedKvStore store = new PagedKvStore(c, 3, 40);
        assertTrue(store.bytes() <= budget, store.bytes() + " bytes");
        assertTrue(store.bytes() > budget - KvCacheConfig.bytesPerBlock(3, 40, 16), "uses the budget up to one block");
        assertEquals(c.numBlocks() * 16 * 40, store.keys(0).length);
    }

    @Test
    void positionsMapToSlotsThroughTheBlockTable() {
        PagedKvStore store = new PagedKvStore(new KvCacheConfig(4, 8, true), 1, 2);
        int[] table = {5, 2, 7};
        assertEquals(20, store.slot(table, 0));
        assertEquals(23, store.slot(table, 3));
        assertEquals(8, store.slot(table, 4));
        assertEquals(29, store.slot(table, 9));
    }

    @Test
    void copyBlockCopiesEveryLayerKeysAndValues() {
        PagedKvStore store = new PagedKvStore(new KvCacheConfig(2, 4, true), 2, 3);
        for (int l = 0; l < 2; l++) {
            for (int i = 0; i < 6; i++) {
                store.keys(l)[6 + i] = 100 * l + i;
                store.values(l)[6 + i] = -100 * l - i;
            }
        }
        store.copyBlock(1, 3);
        for (int l = 0; l < 2; l++) {
            for (int i = 0; i < 6; i++) {
                assertEquals(100 * l + i, store.keys(l)[18 + i]);
                assertEquals(-100 * l - i, store.values(l)[18 + i]);
            }
        }
        assertEquals(0f, store.keys(0)[12]);
    }

    @Test
    void aPoolBeyondOneArrayIsRefusedUpFront() {
        assertThrows(IllegalArgumentException.class, () -> new PagedKvStore(new KvCacheConfig(16, 1 << 20, true), 1, 4096));
    }
}
