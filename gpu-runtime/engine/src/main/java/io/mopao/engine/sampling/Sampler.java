package io.mopao.engine.sampling;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Picks the next token of one sequence from its logits. Steps, in llama.cpp's order:
 * <ol>
 *   <li>penalties over the last {@code penaltyLastN} tokens of the history (repetition, frequency, presence);</li>
 *   <li>logit bias (and a ban on end-of-generation tokens when {@code ignoreEos});</li>
 *   <li>temperature 0: the argmax, lowest id on ties — done;</li>
 *   <li>top-k, 5. top-p, 6. min-p (probabilities at temperature 1);</li>
 *   <li>temperature, then a draw from the softmax with the sequence's seeded generator.</li>
 * </ol>
 * Owns reusable buffers: after construction, {@link #sample} allocates nothing except when top-k is off and
 * top-p needs the whole vocabulary sorted. Not thread-safe: one sampler per sequence.
 */
public final class Sampler {
    private final SamplingParams params;
    private final int vocabSize;
    private final RandomGenerator random;
    private final int[] biasIds;
    private final float[] biasValues;
    private final int[] bannedIds;
    /** Logits after penalties and bias. [vocabSize] */
    private final float[] work;
    /** Candidates as sortable keys: ascending key = descending logit, then ascending id. [vocabSize] */
    private final long[] keys;
    /** Occurrences of each token in the penalty window; all zero between calls. [vocabSize] */
    private final int[] counts;

    /**
     * @param params sampling parameters
     * @param vocabSize the number of logits per step
     * @param endOfGenerationIds the model's end-of-generation token ids, banned when {@code params.ignoreEos()}
     */
    public Sampler(SamplingParams params, int vocabSize, int... endOfGenerationIds) {
        if (params == null) {
            throw new IllegalArgumentException("sampling params are null");
        }
        if (vocabSize < 1) {
            throw new IllegalArgumentException("vocabulary size must be >= 1, got " + vocabSize);
        }
        this.params = params;
        this.vocabSize = vocabSize;
        this.random = new SplittableRandom(params.seed());
        this.biasIds = new int[params.logitBias().size()];
        this.biasValues = new float[biasIds.length];
        int i = 0;
        for (Map.Entry<Integer, Float> e : params.logitBias().entrySet()) {
            if (e.getKey() >= vocabSize) {
                throw new IllegalArgumentException("logitBias token " + e.getKey() + " is outside the vocabulary of " + vocabSize);
            }
            biasIds[i] = e.getKey();
            biasValues[i++] = e.getValue();
        }
        this.bannedIds = params.ignoreEos() && endOfGenerationIds != null ? endOfGenerationIds.clone() : new int[0];
        for (int id : bannedIds) {
            if (id < 0 || id >= vocabSize) {
                throw new IllegalArgumentException("end-of-generation token " + id + " is outside the vocabulary of " + vocabSize);
            }
        }
        this.work = new float[vocabSize];
        this.keys = new long[vocabSize];
        this.counts = new int[vocabSize];
    }

    /** @return the parameters this sampler applies */
    public SamplingParams params() {
        return params;
    }

    /**
     * Picks the next token. The logits are not modified.
     *
     * @param logits the model's logits; at least {@code vocabSize} entries
     * @param history the sequence so far (prompt and generated tokens), for the penalties; may be null when empty
     * @param historyLen how many entries of {@code history} are valid
     * @return the token id
     * @throws IllegalStateException when every token is banned
     */
    public int sample(float[] logits, int[] history, int historyLen) {
        if (logits == null || logits.length < vocabSize) {
            throw new IllegalArgumentException("expected " + vocabSize + " logits, got " + (logits == null ? "null" : logits.length));
        }
        if (historyLen < 0 || historyLen > (history == null ? 0 : history.length)) {
            throw new IllegalArgumentException("historyLen " + historyLen + " does not fit the history array");
        }
        System.arraycopy(logits, 0, work, 0, vocabSize);
        // 1. penalties
        applyPenalties(history, historyLen);
        // 2. logit bias and bans
        for (int i = 0; i < biasIds.length; i++) {
            work[biasIds[i]] += biasValues[i];
        }
        for (int id : bannedIds) {
            work[id] = Float.NEGATIVE_INFINITY;
        }
        // 3. greedy
        if (params.isGreedy()) {
            return argmax();
        }
        // 4. top-k (leaves the candidates sorted) or all finite candidates (unsorted)
        int k = params.topK();
        int n;
        boolean sorted;
        if (k > 0 && k < vocabSize) {
            n = selectTopK(k);
            sorted = true;
        } else {
            n = 0;
            for (int id = 0; id < vocabSize; id++) {
                if (work[id] > Float.NEGATIVE_INFINITY) {
                    keys[n++] = key(work[id], id);
                }
            }
            sorted = false;
        }
        if (n == 0) {
            throw new IllegalStateException("every token is banned: all logits are -Infinity or NaN");
        }
        // 5. top-p
        if (params.topP() < 1f) {
            if (!sorted) {
                Arrays.sort(keys, 0, n);
                sorted = true;
            }
            n = topP(n);
        }
        // 6. min-p
        if (params.minP() > 0f) {
            n = minP(n, sorted);
        }
        // 7. temperature and the draw
        return draw(n);
    }

    private void applyPenalties(int[] history, int historyLen) {
        int lastN = params.penaltyLastN();
        float repetition = params.repetitionPenalty();
        float frequency = params.frequencyPenalty();
        float presence = params.presencePenalty();
        if (lastN == 0 || historyLen == 0 || (repetition == 1f && frequency == 0f && presence == 0f)) {
            return;
        }
        int from = lastN < 0 ? 0 : Math.max(0, historyLen - lastN);
        for (int i = from; i < historyLen; i++) {
            if (history[i] < 0 || history[i] >= vocabSize) {
                throw new IllegalArgumentException("history[" + i + "] = " + history[i] + " is outside the vocabulary of " + vocabSize);
            }
        }
        for (int i = from; i < historyLen; i++) {
            counts[history[i]]++;
        }
        for (int i = from; i < historyLen; i++) {
            int id = history[i];
            int count = counts[id];
            if (count == 0) {
                continue; // already penalised
            }
            counts[id] = 0;
            float logit = work[id];
            if (repetition != 1f) {
                logit = logit > 0 ? logit / repetition : logit * repetition;
            }
            work[id] = logit - count * frequency - presence;
        }
    }

    /**
     * The greedy pick without a sampler (benchmarks and tests that decode greedily from raw logits): the largest of
     * {@code logits[offset, offset + n)}, the lowest index on ties, as the step at temperature 0 picks.
     *
     * @param logits a row of logits (or several rows)
     * @param offset where the row starts
     * @param n      its length
     * @return the index of the largest in the row (relative to {@code offset}); 0 when none is larger than the first
     */
    public static int argmax(float[] logits, int offset, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (logits[offset + i] > logits[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    private int argmax() {
        int best = -1;
        float bestLogit = Float.NEGATIVE_INFINITY;
        for (int id = 0; id < vocabSize; id++) {
            if (work[id] > bestLogit) {
                bestLogit = work[id];
                best = id;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("every token is banned: all logits are -Infinity or NaN");
        }
        return best;
    }

    /** Keeps the k best finite candidates in {@code keys[0..k)}, sorted best first; returns how many. */
    private int selectTopK(int k) {
        // max-heap of the k smallest keys (= best candidates); root = worst kept
        int size = 0;
        for (int id = 0; id < vocabSize; id++) {
            float logit = work[id];
            if (!(logit > Float.NEGATIVE_INFINITY)) {
                continue;
            }
            long key = key(logit, id);
            if (size < k) {
                int child = size++;
                while (child > 0) {
                    int parent = (child - 1) >>> 1;
                    if (keys[parent] >= key) {
                        break;
                    }
                    keys[child] = keys[parent];
                    child = parent;
                }
                keys[child] = key;
            } else if (key < keys[0]) {
                siftDown(key, size);
            }
        }
        Arrays.sort(keys, 0, size);
        return size;
    }

    private void siftDown(long key, int size) {
        int parent = 0;
        while (true) {
            int child = 2 * parent + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && keys[child + 1] > keys[child]) {
                child++;
            }
            if (keys[child] <= key) {
                break;
            }
            keys[parent] = keys[child];
            parent = child;
        }
        keys[parent] = key;
    }

    /** Keeps the shortest best-first prefix whose probability reaches topP (at least one). */
    private int topP(int n) {
        float max = work[id(keys[0])];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(work[id(keys[i])] - max);
        }
        double threshold = params.topP() * sum;
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            cumulative += Math.exp(work[id(keys[i])] - max);
            if (cumulative >= threshold) {
                return i + 1;
            }
        }
        return n;
    }

    /** Drops candidates whose probability is below minP times the best one's; keeps the order. */
    private int minP(int n, boolean sorted) {
        float max;
        if (sorted) {
            max = work[id(keys[0])];
        } else {
            max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, work[id(keys[i])]);
            }
        }
        double threshold = max + Math.log(params.minP());
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (work[id(keys[i])] >= threshold) {
                keys[kept++] = keys[i];
            }
        }
        return kept;
    }

    private int draw(int n) {
        double invTemperature = 1.0 / params.temperature();
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, work[id(keys[i])]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp((work[id(keys[i])] - max) * invTemperature);
        }
        double target = random.nextDouble() * sum;
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            cumulative += Math.exp((work[id(keys[i])] - max) * invTemperature);
            if (target < cumulative) {
                return id(keys[i]);
            }
        }
        return id(keys[n - 1]);
    }

    /** Orders by logit descending, then id ascending, as a signed long ascending. */
    private static long key(float logit, int id) {
        int bits = Float.floatToIntBits(logit);
        bits ^= (bits >> 31) & 0x7FFF_FFFF; // monotone in the float's value
        return ((long) ~bits << 32) | id;
    }

    private static int id(long key) {
        return (int) key;
    }
}
