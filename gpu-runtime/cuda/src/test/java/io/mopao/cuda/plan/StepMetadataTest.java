package io.mopao.cuda.plan;

import io.mopao.engine.serving.kv.BlockCopy;
import io.mopao.engine.serving.kv.KvCacheConfig;
import io.mopao.engine.serving.kv.KvCacheManager;
import io.mopao.engine.serving.runner.PagedKvStore;
import io.mopao.engine.serving.scheduler.ScheduledSequence;
import io.mopao.engine.serving.scheduler.Scheduler;
import io.mopao.engine.serving.scheduler.SchedulerConfig;
import io.mopao.engine.serving.scheduler.SchedulerOutput;
import io.mopao.engine.serving.scheduler.Sequence;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CUDA step's host-side planning: the metadata buffer the runner uploads once per step. */
class StepMetadataTest {
    private static final int VOCAB = 100;

    private static Sequence seq(long id, int length) {
        int[] prompt = new int[length];
        for (int i = 0; i < length; i++) {
            prompt[i] = (int) ((id * 31 + i * 7) % VOCAB);
        }
        return new Sequence(id, prompt, 8, 0, Long.MAX_VALUE);
    }

    @Test
    void laysOutRowsTablesLastRowsAndCopies() {
        // block size 4, tables of up to 3 blocks (12 positions), 16 rows, 3 sequences, 10 blocks in the pool
        StepMetadata m = new StepMetadata(VOCAB, 4, 10, 16, 3, 12);
        assertEquals(3, m.tableWidth());
        assertEquals(StepMetadata.ints(16, 3, 3, 10), m.length());
        assertEquals(4 * 16 + 3 + 3 * 3 + 2 * 10, m.length());
        Sequence a = seq(1, 6);
        Sequence b = seq(2, 9);
        Sequence c = seq(3, 3);
        // a: prefill positions 0..5 (samples); b: a chunk 4..7 that does not reach its last token; c: one decode at 2
        SchedulerOutput step = new SchedulerOutput(List.of(
                new ScheduledSequence(a, 0, 6, new int[] {7, 2}, true),
                new ScheduledSequence(b, 4, 4, new int[] {0, 5, 9}, false),
                new ScheduledSequence(c, 2, 1, new int[] {4}, true)), List.of(new BlockCopy(3, 8), new BlockCopy(1, 6)), List.of(),
                List.of());
        StepMetadata.Step s = m.fill(step);
        assertEquals(new StepMetadata.Step(11, 2, 2), s);
        int[] buf = m.buffer();
        int[] pos = {0, 1, 2, 3, 4, 5, 4, 5, 6, 7, 2};
        int[] slot = {28, 29, 30, 31, 8, 9, 20, 21, 22, 23, 18};
        int[] seqIndex = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2};
        Sequence[] owner = {a, a, a, a, a, a, b, b, b, b, c};
        for (int r = 0; r < 11; r++) {
            assertEquals(owner[r].tokens()[pos[r]], buf[m.tokens() + r], "token of row " + r);
            assertEquals(pos[r], buf[m.positions() + r], "position of row " + r);
            assertEquals(slot[r], buf[m.slots() + r], "slot of row " + r);
            assertEquals(seqIndex[r], buf[m.seqIndex() + r], "sequence of row " + r);
        }
        assertEquals(5, buf[m.lastRows()], "a's last row");
        assertEquals(10, buf[m.lastRows() + 1], "c's last row (b does not sample)");
        assertEquals(7, buf[m.tables()]);
        assertEquals(2, buf[m.tables() + 1]);
        assertEquals(0, buf[m.tables() + 3]);
        assertEquals(9, buf[m.tables() + 5]);
        assertEquals(4, buf[m.tables() + 6]);
        assertEquals(List.of(3, 8, 1, 6), List.of(buf[m.copyPairs()], buf[m.copyPairs() + 1], buf[m.copyPairs() + 2],
                buf[m.copyPairs() + 3]));
        assertEquals(m.length(), m.copyPairs() + 2 * 10);
        assertEquals(m.copyPairs() + 4, m.uploadInts(s), "the upload stops after the step's two copy pairs");
    }

    /** Steps of the real scheduler (chunked prefill, shared prefixes, decodes): slots are the CPU KV store's. */
    @Test
    void slotsMatchTheCpuStoreOnRealSchedulerSteps() {
        KvCacheConfig kv = KvCacheConfig.ofTokens(256, 4, true);
        KvCacheManager manager = new KvCacheManager(kv, "test");
        Scheduler scheduler = new Scheduler(new SchedulerConfig(12, 4, 64), manager, System::nanoTime);
        PagedKvStore store = new PagedKvStore(kv, 1, 2);
        for (long id = 1; id <= 4; id++) {
            // two personas: sequences 1 and 3, 2 and 4 share their first tokens (prefix cache hits, copy-on-write)
            int length = 5 + (int) id * 3;
            int[] prompt = java.util.Arrays.copyOf(seq(id % 2, length).tokens(), length);
            scheduler.add(new Sequence(id, prompt, 3, 0, Long.MAX_VALUE));
        }
        StepMetadata m = new StepMetadata(VOCAB, 4, kv.numBlocks(), 12, 4, 64);
        int steps = 0;
        int checkedRows = 0;
        while (!scheduler.isIdle() && steps < 50) {
            SchedulerOutput out = scheduler.schedule();
            StepMetadata.Step s = m.fill(out);
            assertEquals(out.numTokens(), s.rows());
            int r = 0;
            for (int i = 0; i < out.scheduled().size(); i++) {
                ScheduledSequence ss = out.scheduled().get(i);
                for (int k = 0; k < ss.numNew(); k++) {
                    int p = ss.start() + k;
                    assertEquals(store.slot(ss.blockTable(), p), m.buffer()[m.slots() + r], "slot of row " + r + " at step " + steps);
                    assertEquals(i, m.buffer()[m.seqIndex() + r]);
                    r++;
                    checkedRows++;
                }
                if (ss.sample()) {
                    ss.seq().append(1 + steps % (VOCAB - 1));
                    if (ss.seq().numOutputTokens() >= ss.seq().maxNewTokens()) {
                        scheduler.finish(ss.seq());
                    }
                }
            }
            steps++;
        }
        assertTrue(scheduler.isIdle(), "every sequence finished");
        assertTrue(checkedRows > 40, "prefill and decode rows were checked: " + checkedRows);
    }

    /** The rows are checked by the engine's {@code StepRows} (its test has every reason); the copies here. */
    @Test
    void refusesPlansBeyondItsSizesWithTheReason() {
        StepMetadata m = new StepMetadata(VOCAB, 4, 4, 8, 2, 8);
        Sequence a = seq(1, 6);
        assertMessage("a block table of 3 blocks exceeds the runner's 2", () -> m.fill(plan(
                new ScheduledSequence(a, 0, 6, new int[] {0, 1, 2}, true))));
        Sequence bad = new Sequence(9, new int[] {1, VOCAB}, 4, 0, Long.MAX_VALUE);
        assertMessage("token id 100 is outside the vocabulary of 100", () -> m.fill(plan(
                new ScheduledSequence(bad, 0, 2, new int[] {0}, true))));
        assertMessage("5 block copies in a step; the pool has 4 blocks", () -> m.fill(new SchedulerOutput(List.of(), List.of(
                new BlockCopy(0, 1), new BlockCopy(0, 2), new BlockCopy(0, 3), new BlockCopy(1, 2), new BlockCopy(1, 3)), List.of(),
                List.of())));
        assertThrows(IllegalArgumentException.class, () -> new StepMetadata(VOCAB, 0, 4, 8, 2, 8));
        assertThrows(IllegalArgumentException.class, () -> new StepMetadata(VOCAB, 4, 0, 8, 2, 8));
    }

    private static SchedulerOutput plan(ScheduledSequence... s) {
        return new SchedulerOutput(List.of(s), List.of(), List.of(), List.of());
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }
}
