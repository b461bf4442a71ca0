package io.mopao.engine.serving.scheduler;

import io.mopao.engine.serving.kv.KvCacheConfig;
import io.mopao.engine.serving.kv.KvCacheManager;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scheduler on fake configurations (blocks of 4 positions, no model): exact plans, block ids and preemptions. */
class SchedulerTest {
    private final AtomicLong clock = new AtomicLong(1_000);

    private Scheduler scheduler(int budget, int maxSeqs, int blocks, int maxModelLen) {
        KvCacheManager kv = new KvCacheManager(new KvCacheConfig(4, blocks, true), "fake");
        return new Scheduler(new SchedulerConfig(budget, maxSeqs, maxModelLen), kv, clock::get);
    }

    private static Sequence seq(long id, int from, int n, int maxNew) {
        return new Sequence(id, IntStream.range(from, from + n).toArray(), maxNew, 0, Long.MAX_VALUE);
    }

    private static Sequence seq(long id, int from, int n, int maxNew, int priority) {
        return new Sequence(id, IntStream.range(from, from + n).toArray(), maxNew, priority, Long.MAX_VALUE);
    }

    /** What the engine does after a step: every sequence that sampled gets a token. */
    private static void sampleAll(SchedulerOutput out) {
        for (ScheduledSequence s : out.scheduled()) {
            if (s.sample()) {
                s.seq().append(7);
            }
        }
    }

    private static void assertPlan(ScheduledSequence s, Sequence seq, int start, int numNew, boolean sample, int... blocks) {
        assertEquals(seq, s.seq());
        assertEquals(start, s.start(), "start of " + seq);
        assertEquals(numNew, s.numNew(), "tokens of " + seq);
        assertEquals(sample, s.sample(), "sample of " + seq);
        assertArrayEquals(blocks, s.blockTable(), "blocks of " + seq);
    }

    @Test
    void decodesGoFirstAndALongPromptIsPrefilledInChunks() {
        Scheduler s = scheduler(8, 4, 32, 64);
        Sequence a = seq(1, 0, 3, 10);
        s.add(a);
        SchedulerOutput o1 = s.schedule();
        assertEquals(1, o1.scheduled().size());
        assertPlan(o1.scheduled().get(0), a, 0, 3, true, 0);
        sampleAll(o1);

        Sequence b = seq(2, 100, 20, 10);
        s.add(b);
        SchedulerOutput o2 = s.schedule();
        assertEquals(2, o2.scheduled().size());
        assertPlan(o2.scheduled().get(0), a, 3, 1, true, 0);
        assertPlan(o2.scheduled().get(1), b, 0, 7, false, 1, 2);
        sampleAll(o2);

        SchedulerOutput o3 = s.schedule();
        assertPlan(o3.scheduled().get(0), a, 4, 1, true, 0, 3);
        assertPlan(o3.scheduled().get(1), b, 7, 7, false, 1, 2, 4, 5);
        sampleAll(o3);

        SchedulerOutput o4 = s.schedule();
        assertPlan(o4.scheduled().get(0), a, 5, 1, true, 0, 3);
        assertPlan(o4.scheduled().get(1), b, 14, 6, true, 1, 2, 4, 5, 6);
        assertEquals(7, o4.numTokens());
    }

    @Test
    void preemptsTheNewestSequenceWhenBlocksRunOutAndRecomputesItFromTheCache() {
        Scheduler s = scheduler(64, 4, 4, 16);
        Sequence a = seq(1, 0, 7, 5);
        Sequence b = seq(2, 100, 7, 5);
        s.add(a);
        s.add(b);
        SchedulerOutput o1 = s.schedule();
        assertPlan(o1.scheduled().get(0), a, 0, 7, true, 0, 1);
        assertPlan(o1.scheduled().get(1), b, 0, 7, true, 2, 3);
        sampleAll(o1);
        SchedulerOutput o2 = s.schedule();
        assertPlan(o2.scheduled().get(0), a, 7, 1, true, 0, 1);
        assertPlan(o2.scheduled().get(1), b, 7, 1, true, 2, 3);
        sampleAll(o2);

        // a needs a third block, none is free: b (newest) is preempted, its tail block goes first
        SchedulerOutput o3 = s.schedule();
        assertEquals(List.of(b), o3.preempted());
        assertEquals(1, o3.scheduled().size());
        assertPlan(o3.scheduled().get(0), a, 8, 1, true, 0, 1, 3);
        assertEquals(Sequence.Status.WAITING, b.status());
        assertEquals(0, b.numComputed());
        assertEquals(1, b.preemptions());
        assertEquals(1, s.kvCacheManager().pool().evictions());
        sampleAll(o3);

        // b's first block is still cached but b cannot get the two more it needs; cannot-allocate just waits
        SchedulerOutput o4 = s.schedule();
        assertEquals(1, o4.scheduled().size());
        assertTrue(o4.preempted().isEmpty());
        assertEquals(1, s.numWaiting());

        s.finish(a);
        SchedulerOutput o5 = s.schedule();
        assertPlan(o5.scheduled().get(0), b, 4, 5, true, 2, 3, 1);
        assertArrayEquals(new int[] {0}, s.kvCacheManager().pool().freeQueue());
        assertEquals(0, b.numCachedTokens(), "the per-request hit count is taken at first admission");
    }

    @Test
    void theSequenceItselfIsPreemptedWhenItRanksLowest() {
        Scheduler s = scheduler(64, 4, 4, 16);
        Sequence hi = seq(1, 0, 7, 5, 5);
        Sequence lo = seq(2, 100, 7, 5, 0);
        s.add(lo);
        s.add(hi);
        SchedulerOutput o1 = s.schedule();
        assertEquals(List.of(hi, lo), o1.scheduled().stream().map(ScheduledSequence::seq).toList());
        sampleAll(o1);
        sampleAll(s.schedule());
        // both need a third block; hi is served first and takes lo's room
        SchedulerOutput o3 = s.schedule();
        assertEquals(List.of(lo), o3.preempted());
        assertEquals(List.of(hi), o3.scheduled().stream().map(ScheduledSequence::seq).toList());
    }

    @Test
    void waitingSequencesAreAdmittedByPriorityThenArrival() {
        Scheduler s = scheduler(64, 2, 32, 64);
        Sequence a = seq(1, 0, 3, 4, 0);
        Sequence b = seq(2, 10, 3, 4, 5);
        Sequence c = seq(3, 20, 3, 4, 0);
        s.add(a);
        s.add(b);
        s.add(c);
        SchedulerOutput o = s.schedule();
        assertEquals(List.of(b, a), o.scheduled().stream().map(ScheduledSequence::seq).toList());
        assertEquals(Sequence.Status.WAITING, c.status());
        assertEquals(1, s.numWaiting());
    }

    @Test
    void aHigherPriorityArrivalPreemptsLowerPriorityRunningSequences() {
        Scheduler s = scheduler(64, 4, 4, 16);
        Sequence low = seq(1, 0, 12, 4, 0);
        s.add(low);
        sampleAll(s.schedule());
        Sequence urgent = seq(2, 100, 7, 4, 10);
        s.add(urgent);
        SchedulerOutput o = s.schedule();
        assertEquals(List.of(low), o.preempted());
        assertEquals(List.of(urgent), o.scheduled().stream().map(ScheduledSequence::seq).toList());
        assertPlan(o.scheduled().get(0), urgent, 0, 7, true, 3, 2);
    }

    @Test
    void aRunningSequenceIsNeverPreemptedForAnEqualPriorityArrival() {
        Scheduler s = scheduler(64, 4, 4, 16);
        Sequence first = seq(1, 0, 12, 4, 0);
        s.add(first);
        sampleAll(s.schedule());
        s.add(seq(2, 100, 7, 4, 0));
        SchedulerOutput o = s.schedule();
        assertTrue(o.preempted().isEmpty());
        assertEquals(List.of(first), o.scheduled().stream().map(ScheduledSequence::seq).toList());
    }

    @Test
    void sequenceSlotsAndTheTokenBudgetBoundAStep() {
        Scheduler s = scheduler(10, 3, 64, 64);
        for (int i = 0; i < 5; i++) {
            s.add(seq(i, i * 10, 3, 4));
        }
        SchedulerOutput o = s.schedule();
        assertEquals(3, o.scheduled().size());
        assertEquals(9, o.numTokens());
        assertEquals(2, s.numWaiting());
    }

    @Test
    void deadlinesFinishSequencesWhereverTheyAre() {
        Scheduler s = scheduler(4, 1, 32, 64);
        Sequence running = new Sequence(1, new int[] {1, 2, 3}, 10, 0, 2_000);
        Sequence queued = new Sequence(2, new int[] {4, 5, 6}, 10, 0, 3_000);
        s.add(running);
        s.add(queued);
        sampleAll(s.schedule());
        assertEquals(Sequence.Status.RUNNING, running.status());
        clock.set(2_500);
        SchedulerOutput o = s.schedule();
        assertEquals(List.of(running), o.expired());
        assertEquals(Sequence.Status.FINISHED, running.status());
        assertEquals(List.of(queued), o.scheduled().stream().map(ScheduledSequence::seq).toList());
        clock.set(3_001);
        assertEquals(List.of(queued), s.schedule().expired());
        assertTrue(s.isIdle());
        assertEquals(32, s.kvCacheManager().pool().freeCount());
        assertEquals(3_000, queued.deadlineNanos());
    }

    @Test
    void finishingFreesBlocksAndLeavesTheQueues() {
        Scheduler s = scheduler(64, 4, 8, 32);
        Sequence a = seq(1, 0, 9, 4);
        s.add(a);
        s.schedule();
        assertEquals(5, s.kvCacheManager().pool().freeCount());
        s.finish(a);
        assertEquals(8, s.kvCacheManager().pool().freeCount());
        assertTrue(s.isIdle());
        assertFalse(a.readyToSample());
    }

    @Test
    void aRequestThatCanNeverFitIsRejectedWithTheReason() {
        Scheduler s = scheduler(64, 4, 4, 64);
        assertNull(s.whyUnfit(10, 7));
        String why = s.whyUnfit(10, 8);
        assertNotNull(why);
        assertTrue(why.contains("needs 5 KV blocks; the pool has 4"), why);
        assertTrue(s.whyUnfit(64, 1).contains("at most 63"), s.whyUnfit(64, 1));
        assertTrue(s.whyUnfit(60, 10).contains("exceeds the model length"));
        assertThrows(IllegalArgumentException.class, () -> s.add(seq(1, 0, 10, 8)));
        assertTrue(s.isIdle());
    }
}
