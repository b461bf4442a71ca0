package io.mopao.engine.serving.scheduler;

import io.mopao.engine.serving.kv.KvCacheManager;
import io.mopao.engine.serving.kv.PrefixHit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.LongSupplier;

/**
 * Decides, each step, which sequences compute which tokens, within a token budget; touches no tensors.
 * <ol>
 *   <li>Sequences past their deadline are finished. When the first waiting sequence outranks (strictly higher
 *       priority) running ones and its prompt does not fit, the lowest-ranked running ones are preempted for it.</li>
 *   <li>Running sequences are served decodes first, then unfinished (chunked) prefills, each by priority and
 *       arrival. When the pool has no room for one, the lowest-priority, newest running sequence not yet served this
 *       step is preempted (its blocks freed; it waits to be recomputed, usually from the prefix cache) — or the
 *       sequence itself when it ranks lowest. "Cannot allocate" is a normal outcome, never an exception.</li>
 *   <li>Unless serving the running ones had to preempt, waiting sequences are admitted by priority, then arrival
 *       (FIFO), each reusing its longest cached prefix, while budget, sequence slots and blocks last. A long prompt
 *       takes what is left of the budget and continues in the next steps (chunked prefill).</li>
 * </ol>
 * Single-threaded (the inference thread), like vLLM v1's scheduler.
 */
public final class Scheduler {
    /** Higher priority first, then earlier arrival. */
    private static final Comparator<Sequence> ORDER = Comparator.comparingInt(Sequence::priority).reversed()
            .thenComparingLong(s -> s.arrival);

    private final SchedulerConfig config;
    private final KvCacheManager kv;
    private final LongSupplier clock;
    private final PriorityQueue<Sequence> waiting = new PriorityQueue<>(ORDER);
    private final List<Sequence> running = new ArrayList<>();
    private long arrivals;
    private long promptTokens;
    private long cachedPromptTokens;
    private long preemptions;

    /**
     * @param config step limits
     * @param kv     the KV cache manager
     * @param clock  nanosecond clock for deadlines ({@code System::nanoTime})
     */
    public Scheduler(SchedulerConfig config, KvCacheManager kv, LongSupplier clock) {
        this.config = config;
        this.kv = kv;
        this.clock = clock;
    }

    public SchedulerConfig config() {
        return config;
    }

    public KvCacheManager kvCacheManager() {
        return kv;
    }

    /**
     * Why a request of this size can never run, or null when it can: it must fit the model's length and, alone, the
     * whole KV pool. Thread-safe (reads only immutable configuration), so request threads reject early.
     *
     * @param promptTokens prompt length
     * @param maxNewTokens tokens to generate at most
     * @return the reason, or null
     */
    public String whyUnfit(int promptTokens, int maxNewTokens) {
        long positions = (long) promptTokens + maxNewTokens - 1;
        if (promptTokens >= config.maxModelLen()) {
            return "the prompt has " + promptTokens + " tokens; the model takes at most " + (config.maxModelLen() - 1)
                    + " so that one can be generated";
        }
        if (positions > config.maxModelLen()) {
            return "prompt (" + promptTokens + " tokens) plus max tokens (" + maxNewTokens + ") exceeds the model length of "
                    + config.maxModelLen() + " positions";
        }
        int blocks = kv.config().blocksFor(positions);
        if (blocks > kv.config().numBlocks()) {
            return "prompt (" + promptTokens + " tokens) plus max tokens (" + maxNewTokens + ") needs " + blocks
                    + " KV blocks; the pool has " + kv.config().numBlocks() + " (" + kv.config().tokenCapacity() + " tokens)";
        }
        return null;
    }

    /**
     * Queues a new sequence.
     *
     * @param seq the sequence
     * @throws IllegalArgumentException when it can never fit ({@link #whyUnfit})
     */
    public void add(Sequence seq) {
        String why = whyUnfit(seq.numPromptTokens(), seq.maxNewTokens());
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        if (seq.status != Sequence.Status.WAITING || seq.numComputed != 0) {
            throw new IllegalStateException(seq + " was already scheduled");
        }
        seq.arrival = arrivals++;
        waiting.add(seq);
    }

    /**
     * Removes a sequence wherever it is and frees its blocks (finished, cancelled, stopped).
     *
     * @param seq the sequence
     */
    public void finish(Sequence seq) {
        if (seq.status == Sequence.Status.FINISHED) {
            return;
        }
        if (seq.status == Sequence.Status.RUNNING) {
            running.remove(seq);
        } else {
            waiting.remove(seq);
        }
        kv.free(seq.id());
        seq.status = Sequence.Status.FINISHED;
    }

    /** @return sequences waiting */
    public int numWaiting() {
        return waiting.size();
    }

    /** @return sequences running */
    public int numRunning() {
        return running.size();
    }

    /** @return whether nothing is queued or running */
    public boolean isIdle() {
        return waiting.isEmpty() && running.isEmpty();
    }

    /** @return prompt tokens of admitted sequences, counted at first admission */
    public long promptTokens() {
        return promptTokens;
    }

    /** @return of those, tokens served from the prefix cache */
    public long cachedPromptTokens() {
        return cachedPromptTokens;
    }

    /** @return preemptions so far */
    public long preemptions() {
        return preemptions;
    }

    /** @return the earliest deadline among queued and running sequences, or {@link Long#MAX_VALUE} */
    public long nextDeadline() {
        long d = Long.MAX_VALUE;
        for (Sequence s : running) {
            d = Math.min(d, s.deadlineNanos());
        }
        for (Sequence s : waiting) {
            d = Math.min(d, s.deadlineNanos());
        }
        return d;
    }

    /**
     * Plans one step and advances each scheduled sequence's computed count as if the step ran (the runner must run
     * it before the next call).
     *
     * @return the plan
     */
    public SchedulerOutput schedule() {
        List<Sequence> expired = expire();
        List<Sequence> preempted = new ArrayList<>();
        Map<Sequence, Integer> planned = new LinkedHashMap<>();
        int budget = config.maxBatchedTokens();

        // 0. priorities: a waiting sequence that outranks running ones gets their room (before anything is planned)
        makeRoomForPriority(preempted);
        boolean pressure = false;

        // 1. running: decodes first, then chunked prefills; each by priority and arrival
        List<Sequence> order = new ArrayList<>(running);
        order.sort(Comparator.comparingInt((Sequence s) -> s.numTokens() - s.numComputed > 1 ? 1 : 0).thenComparing(ORDER));
        for (Sequence seq : order) {
            if (budget == 0) {
                break;
            }
            if (seq.status != Sequence.Status.RUNNING) {
                continue; // preempted earlier in this loop
            }
            int n = Math.min(seq.numTokens() - seq.numComputed, budget);
            while (!kv.allocate(seq.id(), seq.tokens(), seq.numComputed, n, PrefixHit.NONE)) {
                Sequence victim = victim(planned, seq);
                preempt(victim);
                preempted.add(victim);
                pressure = true;
                if (victim == seq) {
                    break;
                }
            }
            if (seq.status == Sequence.Status.RUNNING) {
                planned.put(seq, n);
                budget -= n;
            }
        }

        // 2. waiting, unless serving the running ones had to preempt
        while (!pressure && budget > 0 && !waiting.isEmpty() && running.size() < config.maxSeqs()) {
            Sequence seq = waiting.peek();
            PrefixHit hit = kv.findCachedPrefix(seq.id(), seq.tokens(), seq.numTokens());
            int n = Math.min(seq.numTokens() - hit.numTokens(), budget);
            if (!kv.allocate(seq.id(), seq.tokens(), hit.numTokens(), n, hit)) {
                break;
            }
            waiting.poll();
            seq.status = Sequence.Status.RUNNING;
            seq.numComputed = hit.numTokens();
            if (seq.numCachedTokens < 0) {
                seq.numCachedTokens = hit.numTokens();
                promptTokens += seq.numPromptTokens();
                cachedPromptTokens += Math.min(hit.numTokens(), seq.numPromptTokens());
            }
            running.add(seq);
            planned.put(seq, n);
            budget -= n;
        }

        // 3. the plan, and the computed counts as they will be after the step
        List<ScheduledSequence> scheduled = new ArrayList<>(planned.size());
        for (Map.Entry<Sequence, Integer> e : planned.entrySet()) {
            Sequence seq = e.getKey();
            int start = seq.numComputed;
            seq.numComputed += e.getValue();
            scheduled.add(new ScheduledSequence(seq, start, e.getValue(), kv.blockTable(seq.id()), seq.numComputed == seq.numTokens()));
        }
        return new SchedulerOutput(scheduled, kv.drainCopies(), preempted, expired);
    }

    private List<Sequence> expire() {
        long now = clock.getAsLong();
        List<Sequence> out = new ArrayList<>();
        for (Sequence s : List.copyOf(running)) {
            if (now - s.deadlineNanos() > 0 && s.deadlineNanos() != Long.MAX_VALUE) {
                out.add(s);
            }
        }
        for (Sequence s : waiting) {
            if (now - s.deadlineNanos() > 0 && s.deadlineNanos() != Long.MAX_VALUE) {
                out.add(s);
            }
        }
        for (Sequence s : out) {
            finish(s);
        }
        return out;
    }

    /** The running sequence to give up for {@code needy}: the lowest-ranked one not yet planned, or needy itself. */
    private Sequence victim(Map<Sequence, Integer> planned, Sequence needy) {
        Sequence worst = needy;
        for (Sequence s : running) {
            if (s != needy && !planned.containsKey(s) && ORDER.compare(s, worst) > 0) {
                worst = s;
            }
        }
        return worst;
    }

    /**
     * While the first waiting sequence outranks the lowest-ranked running one and cannot get its prompt's blocks (or a
     * sequence slot), preempt that running one.
     */
    private void makeRoomForPriority(List<Sequence> preempted) {
        while (!waiting.isEmpty() && !running.isEmpty()) {
            Sequence head = waiting.peek();
            Sequence worst = running.get(0);
            for (Sequence s : running) {
                if (ORDER.compare(s, worst) > 0) {
                    worst = s;
                }
            }
            if (worst.priority() >= head.priority()) {
                return;
            }
            boolean fits = running.size() < config.maxSeqs() && kv.config().blocksFor(head.numTokens()) <= kv.pool().freeCount();
            if (fits) {
                return;
            }
            preempt(worst);
            preempted.add(worst);
        }
    }

    private void preempt(Sequence seq) {
        running.remove(seq);
        kv.free(seq.id());
        seq.numComputed = 0;
        seq.status = Sequence.Status.WAITING;
        seq.preemptions++;
        preemptions++;
        waiting.add(seq);
    }
}
