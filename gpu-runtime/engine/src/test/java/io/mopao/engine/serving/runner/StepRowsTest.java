package io.mopao.engine.serving.runner;

import io.mopao.engine.serving.scheduler.ScheduledSequence;
import io.mopao.engine.serving.scheduler.SchedulerOutput;
import io.mopao.engine.serving.scheduler.Sequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The rows every step runner plans from the scheduler's plan, and the plans it refuses (with the reason). */
class StepRowsTest {
    private static final int VOCAB = 100;

    private static Sequence seq(long id, int length) {
        int[] prompt = new int[length];
        for (int i = 0; i < length; i++) {
            prompt[i] = (int) ((id * 31 + i * 7) % VOCAB);
        }
        return new Sequence(id, prompt, 8, 0, Long.MAX_VALUE);
    }

    private static SchedulerOutput plan(ScheduledSequence... s) {
        return new SchedulerOutput(List.of(s), List.of(), List.of(), List.of());
    }

    @Test
    void rowsAreTheScheduledTokensInPlanOrderWithTheirSlots() {
        // block size 4, up to 3 blocks (12 positions), 16 rows, 3 sequences
        StepRows rows = new StepRows(VOCAB, 4, 16, 3, 12);
        assertEquals(3, rows.tableWidth());
        Sequence a = seq(1, 6);
        Sequence b = seq(2, 9);
        Sequence c = seq(3, 3);
        int[] tableA = {7, 2};
        int[] tableB = {0, 5, 9};
        int[] tableC = {4};
        // a: prefill 0..5 (samples); b: a chunk 4..7 that does not reach its last token; c: one decode at 2
        int n = rows.plan(plan(new ScheduledSequence(a, 0, 6, tableA, true), new ScheduledSequence(b, 4, 4, tableB, false),
                new ScheduledSequence(c, 2, 1, tableC, true)));
        assertEquals(11, n);
        assertEquals(11, rows.rows());
        assertEquals(3, rows.sequences());
        assertEquals(2, rows.sampled());
        int[] pos = {0, 1, 2, 3, 4, 5, 4, 5, 6, 7, 2};
        Sequence[] owner = {a, a, a, a, a, a, b, b, b, b, c};
        int[] tokens = new int[11];
        for (int r = 0; r < 11; r++) {
            tokens[r] = owner[r].tokens()[pos[r]];
        }
        assertArrayEquals(tokens, Arrays.copyOf(rows.tokens(), 11));
        assertArrayEquals(pos, Arrays.copyOf(rows.positions(), 11));
        assertArrayEquals(new int[] {28, 29, 30, 31, 8, 9, 20, 21, 22, 23, 18}, Arrays.copyOf(rows.slots(), 11));
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2}, Arrays.copyOf(rows.seqIndex(), 11));
        assertArrayEquals(new int[] {5, 10}, Arrays.copyOf(rows.lastRows(), 2), "a's and c's last rows (b does not sample)");
        assertSame(tableA, rows.tables()[0]);
        assertSame(tableB, rows.tables()[1]);
        assertSame(tableC, rows.tables()[2]);

        // the next plan replaces this one
        assertEquals(1, rows.plan(plan(new ScheduledSequence(c, 2, 1, tableC, false))));
        assertEquals(1, rows.sequences());
        assertEquals(0, rows.sampled());
        assertEquals(18, rows.slots()[0]);
    }

    @Test
    void refusesPlansBeyondItsSizesWithTheReason() {
        // block size 4, 8 tokens, 2 sequences, 7 positions (tables of up to 2 blocks)
        StepRows rows = new StepRows(VOCAB, 4, 8, 2, 7);
        Sequence a = seq(1, 6);
        assertMessage("3 sequences in a step; the runner holds 2", () -> rows.plan(plan(
                new ScheduledSequence(a, 5, 1, new int[] {0, 1}, true), new ScheduledSequence(a, 5, 1, new int[] {0, 1}, true),
                new ScheduledSequence(a, 5, 1, new int[] {0, 1}, true))));
        assertMessage("more than 8 tokens in a step", () -> rows.plan(plan(new ScheduledSequence(a, 0, 6, new int[] {0, 1}, true),
                new ScheduledSequence(seq(2, 6), 0, 6, new int[] {2, 3}, true))));
        assertMessage("a block table of 3 blocks exceeds the runner's 2", () -> rows.plan(plan(
                new ScheduledSequence(a, 0, 6, new int[] {0, 1, 2}, true))));
        assertMessage("position 4 of sequence 1 has no block in its table of 1", () -> rows.plan(plan(
                new ScheduledSequence(a, 0, 6, new int[] {0}, true))));
        Sequence bad = new Sequence(9, new int[] {1, VOCAB}, 4, 0, Long.MAX_VALUE);
        assertMessage("token id 100 is outside the vocabulary of 100", () -> rows.plan(plan(
                new ScheduledSequence(bad, 0, 2, new int[] {0}, true))));
        Sequence negative = new Sequence(10, new int[] {-1}, 4, 0, Long.MAX_VALUE);
        assertMessage("token id -1 is outside the vocabulary of 100", () -> rows.plan(plan(
                new ScheduledSequence(negative, 0, 1, new int[] {0}, true))));
        // a table of 2 blocks covers position 7, but the runner holds 7 positions (its attention buffers end at 6)
        assertMessage("position 7 of sequence 3 is beyond the runner's 7 positions", () -> rows.plan(plan(
                new ScheduledSequence(seq(3, 8), 4, 4, new int[] {0, 1}, true))));
        assertEquals(0, rows.rows(), "a refused plan leaves no rows");
        assertEquals(0, rows.sequences());
        assertThrows(IllegalArgumentException.class, () -> new StepRows(VOCAB, 0, 8, 2, 8));
    }

    private static void assertMessage(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }
}
