package io.mopao.engine.serving.scheduler;

import io.mopao.engine.serving.kv.BlockCopy;

import java.util.List;

/**
 * What one step does.
 *
 * @param scheduled sequences to run, each with its tokens to compute (running sequences first, then admitted ones)
 * @param copies    copy-on-write block copies to execute before the forward pass
 * @param preempted sequences whose KV was freed this step (they wait to be recomputed)
 * @param expired   sequences finished because their deadline passed
 */
public record SchedulerOutput(List<ScheduledSequence> scheduled, List<BlockCopy> copies, List<Sequence> preempted,
                              List<Sequence> expired) {

    public SchedulerOutput {
        scheduled = List.copyOf(scheduled);
        copies = List.copyOf(copies);
        preempted = List.copyOf(preempted);
        expired = List.copyOf(expired);
    }

    /** @return tokens computed by this step */
    public int numTokens() {
        int n = 0;
        for (ScheduledSequence s : scheduled) {
            n += s.numNew();
        }
        return n;
    }

    /** @return whether there is nothing to run */
    public boolean isEmpty() {
        return scheduled.isEmpty();
    }
}
