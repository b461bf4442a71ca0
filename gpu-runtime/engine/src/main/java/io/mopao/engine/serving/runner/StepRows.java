package io.mopao.engine.serving.runner;

import io.mopao.engine.serving.scheduler.ScheduledSequence;
import io.mopao.engine.serving.scheduler.SchedulerOutput;

import java.util.List;

/**
 * The rows of one batched step, planned from the scheduler's plan and checked against a runner's sizes; what every
 * {@link StepRunner} does first (the CPU {@link ModelRunner} reads the rows directly, the CUDA runner copies them into
 * the metadata buffer it uploads). Row r is the r-th scheduled token: sequences in plan order, each sequence's new
 * tokens in position order. Per row: its token, its position, its KV slot ({@link #slot}: the index the paged KV
 * layout of {@link PagedKvStore} uses, on the host and on a device) and the index of its sequence in the plan; per
 * sampling sequence, its last row. Reused step after step; owned by the runner's (inference) thread.
 */
public final class StepRows {
    private final int vocabSize;
    private final int blockSize;
    private final int maxTokens;
    private final int maxSeqs;
    private final int maxPositions;
    private final int tableWidth;
    /** per row: token id, {@code [maxTokens]}. */
    private final int[] tokens;
    /** per row: position in its sequence, {@code [maxTokens]}. */
    private final int[] positions;
    /** per row: KV slot in the paged pool, {@code [maxTokens]}. */
    private final int[] slots;
    /** per row: index of its sequence in the plan, {@code [maxTokens]}. */
    private final int[] seqIndex;
    /** per sampling sequence (plan order): its last row, {@code [maxSeqs]}. */
    private final int[] lastRows;
    /** per sequence of the plan: its block table, {@code [maxSeqs][]} (references to the plan's arrays). */
    private final int[][] tables;
    private int rows;
    private int sequences;
    private int sampled;

    /**
     * @param vocabSize    the model's vocabulary (token ids are checked against it)
     * @param blockSize    KV positions per block
     * @param maxTokens    the most tokens (rows) in one step
     * @param maxSeqs      the most sequences in one step
     * @param maxPositions the most positions of one sequence (block tables hold at most {@link #tableWidth()} blocks)
     */
    public StepRows(int vocabSize, int blockSize, int maxTokens, int maxSeqs, int maxPositions) {
        if (vocabSize <= 0 || blockSize <= 0 || maxTokens <= 0 || maxSeqs <= 0 || maxPositions <= 0) {
            throw new IllegalArgumentException("step sizes must be positive: vocabulary " + vocabSize + ", block size " + blockSize
                    + ", maxTokens " + maxTokens + ", maxSeqs " + maxSeqs + ", maxPositions " + maxPositions);
        }
        this.vocabSize = vocabSize;
        this.blockSize = blockSize;
        this.maxTokens = maxTokens;
        this.maxSeqs = maxSeqs;
        this.maxPositions = maxPositions;
        this.tableWidth = (maxPositions + blockSize - 1) / blockSize;
        this.tokens = new int[maxTokens];
        this.positions = new int[maxTokens];
        this.slots = new int[maxTokens];
        this.seqIndex = new int[maxTokens];
        this.lastRows = new int[maxSeqs];
        this.tables = new int[maxSeqs][];
    }

    /**
     * @param blockTable a sequence's block ids
     * @param blockSize  KV positions per block
     * @param pos        a position of the sequence
     * @return the slot that holds it in a paged pool laid out {@code [numBlocks, blockSize, ...]}
     */
    public static int slot(int[] blockTable, int blockSize, int pos) {
        return blockTable[pos / blockSize] * blockSize + pos % blockSize;
    }

    /**
     * Plans a step's rows (a plan that throws leaves no rows).
     *
     * @param step the scheduler's plan
     * @return rows of the step (its scheduled tokens)
     * @throws IllegalArgumentException when the plan exceeds the runner's sizes (sequences, tokens, block table width,
     *                                  positions), names a token outside the vocabulary or a position its block table
     *                                  does not cover
     */
    public int plan(SchedulerOutput step) {
        rows = 0;
        sequences = 0;
        sampled = 0;
        List<ScheduledSequence> seqs = step.scheduled();
        if (seqs.size() > maxSeqs) {
            throw new IllegalArgumentException(seqs.size() + " sequences in a step; the runner holds " + maxSeqs);
        }
        int r = 0;
        int sampling = 0;
        for (int s = 0; s < seqs.size(); s++) {
            ScheduledSequence ss = seqs.get(s);
            int[] table = ss.blockTable();
            if (table.length > tableWidth) {
                throw new IllegalArgumentException("a block table of " + table.length + " blocks exceeds the runner's " + tableWidth);
            }
            if (r + ss.numNew() > maxTokens) {
                throw new IllegalArgumentException("more than " + maxTokens + " tokens in a step");
            }
            tables[s] = table;
            int[] seqTokens = ss.seq().tokens();
            for (int i = 0; i < ss.numNew(); i++) {
                int pos = ss.start() + i;
                if (pos >= maxPositions) {
                    throw new IllegalArgumentException("position " + pos + " of sequence " + ss.seq().id()
                            + " is beyond the runner's " + maxPositions + " positions");
                }
                int token = seqTokens[pos];
                if (token < 0 || token >= vocabSize) {
                    throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of " + vocabSize);
                }
                if (pos / blockSize >= table.length) {
                    throw new IllegalArgumentException("position " + pos + " of sequence " + ss.seq().id()
                            + " has no block in its table of " + table.length);
                }
                tokens[r] = token;
                positions[r] = pos;
                slots[r] = slot(table, blockSize, pos);
                seqIndex[r] = s;
                r++;
            }
            if (ss.sample()) {
                lastRows[sampling++] = r - 1;
            }
        }
        rows = r;
        sequences = seqs.size();
        sampled = sampling;
        return r;
    }

    /** @return rows of the last plan */
    public int rows() {
        return rows;
    }

    /** @return sequences of the last plan */
    public int sequences() {
        return sequences;
    }

    /** @return sampling sequences of the last plan (the classifier's rows) */
    public int sampled() {
        return sampled;
    }

    /** @return per row, its token ({@code [0, rows())} is the last plan's) */
    public int[] tokens() {
        return tokens;
    }

    /** @return per row, its position in its sequence */
    public int[] positions() {
        return positions;
    }

    /** @return per row, its KV slot in the paged pool */
    public int[] slots() {
        return slots;
    }

    /** @return per row, the index of its sequence in the plan (and in {@link #tables()}) */
    public int[] seqIndex() {
        return seqIndex;
    }

    /** @return per sampling sequence in plan order, its last row ({@code [0, sampled())} is the last plan's) */
    public int[] lastRows() {
        return lastRows;
    }

    /** @return per sequence of the plan, its block table ({@code [0, sequences())} is the last plan's) */
    public int[][] tables() {
        return tables;
    }

    /** @return the most blocks of one sequence's table ({@code ceil(maxPositions / blockSize)}) */
    public int tableWidth() {
        return tableWidth;
    }

    /** @return the most tokens (rows) in one step */
    public int maxTokens() {
        return maxTokens;
    }

    /** @return the most sequences in one step */
    public int maxSeqs() {
        return maxSeqs;
    }
}
