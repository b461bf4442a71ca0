package io.mopao.cuda.plan;

import io.mopao.engine.serving.kv.BlockCopy;
import io.mopao.engine.serving.runner.StepRows;
import io.mopao.engine.serving.scheduler.SchedulerOutput;

import java.util.List;

/**
 * The host side of a CUDA step: the one metadata buffer that is uploaded per step, laid out as consecutive int
 * arrays and filled from the scheduler's plan without touching the device:
 * <pre>
 * tokens[maxTokens] positions[maxTokens] slots[maxTokens] seqIndex[maxTokens] lastRows[maxSeqs]
 * blockTables[maxSeqs][tableWidth] copyPairs[numBlocks][2]
 * </pre>
 * The rows, last rows and block tables are the engine's {@link StepRows} (planned and checked there, as for the CPU
 * runner): row r is the r-th scheduled token (sequences in plan order, each sequence's new tokens in position order);
 * its slot is {@code table[pos / blockSize] * blockSize + pos % blockSize}, the index the CPU {@code PagedKvStore} uses;
 * lastRows lists the last row of each sampling sequence. Owned by the runner's (inference) thread.
 */
public final class StepMetadata {
    private final StepRows rows;
    private final int numBlocks;
    private final int maxTokens;
    private final int maxSeqs;
    private final int tableWidth;
    private final int[] meta;

    /**
     * What a filled step holds.
     *
     * @param rows    scheduled tokens (rows of the forward pass)
     * @param sampled sequences that sample (rows of the classifier)
     * @param copies  copy-on-write block copies to run before the forward pass
     */
    public record Step(int rows, int sampled, int copies) {
    }

    /**
     * @param step a filled step
     * @return ints of the buffer that step needs on the device: everything up to its last copy pair (the unused copy
     *         pairs at the end are not uploaded)
     */
    public int uploadInts(Step step) {
        return copyPairs() + 2 * step.copies();
    }

    /**
     * @param vocabSize    the model's vocabulary (token ids are checked against it)
     * @param blockSize    KV positions per block
     * @param numBlocks    blocks in the KV pool (the most copies of one step)
     * @param maxTokens    the most tokens in one step
     * @param maxSeqs      the most sequences in one step
     * @param maxPositions the most positions of one sequence
     */
    public StepMetadata(int vocabSize, int blockSize, int numBlocks, int maxTokens, int maxSeqs, int maxPositions) {
        if (numBlocks <= 0) {
            throw new IllegalArgumentException("the KV pool must have blocks: " + numBlocks);
        }
        this.rows = new StepRows(vocabSize, blockSize, maxTokens, maxSeqs, maxPositions);
        this.numBlocks = numBlocks;
        this.maxTokens = maxTokens;
        this.maxSeqs = maxSeqs;
        this.tableWidth = rows.tableWidth();
        this.meta = new int[ints(maxTokens, maxSeqs, tableWidth, numBlocks)];
    }

    /**
     * @return ints of the buffer for these sizes (what {@link MemoryPlan} reserves as "step metadata")
     * @param maxTokens  most tokens in a step
     * @param maxSeqs    most sequences in a step
     * @param tableWidth block table width
     * @param numBlocks  blocks in the pool
     */
    public static int ints(int maxTokens, int maxSeqs, int tableWidth, int numBlocks) {
        long n = 4L * maxTokens + maxSeqs + (long) maxSeqs * tableWidth + 2L * numBlocks;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("step metadata of " + n + " ints is too large");
        }
        return (int) n;
    }

    /**
     * Fills the buffer from a plan: its rows as {@link StepRows} plans and checks them, then the block tables and copies.
     *
     * @param step the scheduler's plan
     * @return its row, sampling and copy counts
     * @throws IllegalArgumentException when the plan exceeds the runner's sizes or names a token outside the vocabulary
     */
    public Step fill(SchedulerOutput step) {
        List<BlockCopy> copies = step.copies();
        if (copies.size() > numBlocks) {
            throw new IllegalArgumentException(copies.size() + " block copies in a step; the pool has " + numBlocks + " blocks");
        }
        int n = rows.plan(step);
        System.arraycopy(rows.tokens(), 0, meta, tokens(), n);
        System.arraycopy(rows.positions(), 0, meta, positions(), n);
        System.arraycopy(rows.slots(), 0, meta, slots(), n);
        System.arraycopy(rows.seqIndex(), 0, meta, seqIndex(), n);
        System.arraycopy(rows.lastRows(), 0, meta, lastRows(), rows.sampled());
        int[][] tables = rows.tables();
        for (int s = 0; s < rows.sequences(); s++) {
            System.arraycopy(tables[s], 0, meta, tables() + s * tableWidth, tables[s].length);
        }
        for (int i = 0; i < copies.size(); i++) {
            meta[copyPairs() + 2 * i] = copies.get(i).src();
            meta[copyPairs() + 2 * i + 1] = copies.get(i).dst();
        }
        return new Step(n, rows.sampled(), copies.size());
    }

    /** @return the buffer (uploaded whole) */
    public int[] buffer() {
        return meta;
    }

    /** @return ints in the buffer */
    public int length() {
        return meta.length;
    }

    /** @return block table width (blocks per sequence) */
    public int tableWidth() {
        return tableWidth;
    }

    /** @return offset (ints) of the row tokens */
    public int tokens() {
        return 0;
    }

    /** @return offset (ints) of the row positions */
    public int positions() {
        return maxTokens;
    }

    /** @return offset (ints) of the row slots in the paged pool */
    public int slots() {
        return 2 * maxTokens;
    }

    /** @return offset (ints) of the rows' sequence indices */
    public int seqIndex() {
        return 3 * maxTokens;
    }

    /** @return offset (ints) of the sampling sequences' last rows */
    public int lastRows() {
        return 4 * maxTokens;
    }

    /** @return offset (ints) of the block tables ({@code maxSeqs x tableWidth}) */
    public int tables() {
        return lastRows() + maxSeqs;
    }

    /** @return offset (ints) of the copy pairs (src, dst) */
    public int copyPairs() {
        return tables() + maxSeqs * tableWidth;
    }
}
