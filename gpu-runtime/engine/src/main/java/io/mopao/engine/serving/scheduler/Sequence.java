package io.mopao.engine.serving.scheduler;

import java.util.Arrays;

/**
 * The scheduler's view of one request: its tokens (prompt, then generated), how many of them have KV in the cache,
 * and its place in the queues. No tensors. Mutated only on the inference thread.
 */
public final class Sequence {
    /** Where a sequence is. */
    public enum Status {
        /** queued (new or preempted), holds no blocks */
        WAITING,
        /** admitted, holds blocks */
        RUNNING,
        /** done (any reason), holds no blocks */
        FINISHED
    }

    private final long id;
    private final int priority;
    private final long deadlineNanos;
    private final int numPromptTokens;
    private final int maxNewTokens;
    long arrival;
    private int[] tokens;
    private int numTokens;
    int numComputed;
    Status status = Status.WAITING;
    int numCachedTokens = -1;
    int preemptions;

    /**
     * @param id            unique id
     * @param prompt        prompt token ids (copied), at least one
     * @param maxNewTokens  the most tokens to generate
     * @param priority      higher is served first; equal priorities are served in arrival order
     * @param deadlineNanos {@link System#nanoTime()} after which the sequence is finished unfinished, or
     *                      {@link Long#MAX_VALUE} for none
     */
    public Sequence(long id, int[] prompt, int maxNewTokens, int priority, long deadlineNanos) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty");
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
        }
        this.id = id;
        this.priority = priority;
        this.deadlineNanos = deadlineNanos;
        this.numPromptTokens = prompt.length;
        this.maxNewTokens = maxNewTokens;
        this.tokens = Arrays.copyOf(prompt, prompt.length + Math.min(maxNewTokens, 256));
        this.numTokens = prompt.length;
    }

    public long id() {
        return id;
    }

    public int priority() {
        return priority;
    }

    public long deadlineNanos() {
        return deadlineNanos;
    }

    /** @return the token array (valid up to {@link #numTokens()}); do not modify */
    public int[] tokens() {
        return tokens;
    }

    public int numTokens() {
        return numTokens;
    }

    public int numPromptTokens() {
        return numPromptTokens;
    }

    /** @return tokens generated so far */
    public int numOutputTokens() {
        return numTokens - numPromptTokens;
    }

    public int maxNewTokens() {
        return maxNewTokens;
    }

    /** @return the most positions this sequence can ever hold: prompt plus all generated tokens but the last */
    public int maxPositions() {
        return numPromptTokens + maxNewTokens - 1;
    }

    /** @return positions whose KV is computed (or scheduled in the step just planned) */
    public int numComputed() {
        return numComputed;
    }

    public Status status() {
        return status;
    }

    /** @return prompt positions served from the prefix cache at first admission, or -1 before it */
    public int numCachedTokens() {
        return numCachedTokens;
    }

    /** @return how often it was preempted (its KV freed, to be recomputed) */
    public int preemptions() {
        return preemptions;
    }

    /** @return whether every known token has KV, so the last step's logits give the next token */
    public boolean readyToSample() {
        return status == Status.RUNNING && numComputed == numTokens;
    }

    /**
     * Appends a sampled token (computed by the next step).
     *
     * @param token the token id
     */
    public void append(int token) {
        if (numTokens == tokens.length) {
            tokens = Arrays.copyOf(tokens, Math.min(numPromptTokens + maxNewTokens, tokens.length * 2));
        }
        tokens[numTokens++] = token;
    }

    /** @return the generated tokens */
    public int[] outputTokens() {
        return Arrays.copyOfRange(tokens, numPromptTokens, numTokens);
    }

    @Override
    public String toString() {
        return "seq " + id + " (" + status + ", " + numComputed + "/" + numTokens + " computed, priority " + priority + ")";
    }
}
