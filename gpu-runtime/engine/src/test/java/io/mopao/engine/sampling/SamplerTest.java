package io.mopao.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sampler's determinism and the effect of each step. */
class SamplerTest {
    private static final int[] NO_HISTORY = new int[0];

    private static float[] randomLogits(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] logits = new float[n];
        for (int i = 0; i < n; i++) {
            logits[i] = (float) (r.nextGaussian() * 3);
        }
        return logits;
    }

    private static int[] run(SamplingParams params, int steps) {
        Sampler sampler = new Sampler(params, 1000);
        int[] out = new int[steps];
        for (int i = 0; i < steps; i++) {
            out[i] = sampler.sample(randomLogits(1000, i), out, i);
        }
        return out;
    }

    private static int[] histogram(SamplingParams params, float[] logits, int draws) {
        Sampler sampler = new Sampler(params, logits.length);
        int[] counts = new int[logits.length];
        for (int i = 0; i < draws; i++) {
            counts[sampler.sample(logits, NO_HISTORY, 0)]++;
        }
        return counts;
    }

    @Test
    void staticArgmaxPicksTheLowestIndexOfTheLargestWithinItsRow() {
        float[] rows = {9f, 1f, 3f, 3f, 2f, 0f, -1f, 5f, 5f};
        assertEquals(1, Sampler.argmax(rows, 1, 4), "row 1..4: the first of the two 3s");
        assertEquals(2, Sampler.argmax(rows, 5, 4), "row 5..8: the first of the two 5s, relative to the row");
        assertEquals(0, Sampler.argmax(rows, 0, rows.length));
        float[] logits = randomLogits(1000, 3);
        int greedy = new Sampler(SamplingParams.greedy(), 1000).sample(logits, NO_HISTORY, 0);
        assertEquals(greedy, Sampler.argmax(logits, 0, logits.length), "the pick of a greedy sampler");
    }

    @Test
    void sameSeedGivesTheSameTokens() {
        SamplingParams params = SamplingParams.defaults(42).withTemperature(1.2f);
        assertArrayEquals(run(params, 200), run(params, 200));
    }

    @Test
    void differentSeedsGiveDifferentTokens() {
        SamplingParams params = SamplingParams.defaults(1).withFilters(0, 1f, 0f).withTemperature(1.5f);
        assertNotEquals(java.util.Arrays.toString(run(params, 100)), java.util.Arrays.toString(run(params.withSeed(2), 100)));
    }

    @Test
    void greedyPicksTheArgmaxWithLowestIndexOnTies() {
        Sampler sampler = new Sampler(SamplingParams.greedy(), 5);
        assertEquals(1, sampler.sample(new float[] {1f, 3f, 2f, 3f, -1f}, NO_HISTORY, 0));
        assertEquals(2, sampler.sample(new float[] {Float.NaN, Float.NaN, 0f, 0f, 0f}, NO_HISTORY, 0), "NaN never wins");
    }

    @Test
    void doesNotModifyTheCallersLogits() {
        float[] logits = {1f, 2f, 3f};
        float[] copy = logits.clone();
        new Sampler(SamplingParams.greedy().withPenalties(2f, 1f, 1f, 8), 3).sample(logits, new int[] {2, 2}, 2);
        assertArrayEquals(copy, logits);
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        SamplingParams params = SamplingParams.greedy().withPenalties(2f, 0f, 0f, 64);
        Sampler sampler = new Sampler(params, 3);
        // token 0: 4 -> 2 (penalised), token 1: 3 stays: 1 wins
        assertEquals(1, sampler.sample(new float[] {4f, 3f, -10f}, new int[] {0}, 1));
        // negative: token 0: -1 -> -2, token 1: -1.5 stays: 1 wins
        assertEquals(1, sampler.sample(new float[] {-1f, -1.5f, -10f}, new int[] {0}, 1));
    }

    @Test
    void frequencyPenaltyScalesWithCountAndPresencePenaltyDoesNot() {
        float[] logits = {5f, 3.5f, 0f};
        int[] history = {0, 0, 0};
        // frequency 0.5 x 3 = 1.5: 5 -> 3.5 ties with token 1, lowest index wins; 0.6 x 3 = 1.8 flips it
        assertEquals(0, new Sampler(SamplingParams.greedy().withPenalties(1f, 0.5f, 0f, 64), 3).sample(logits, history, 3));
        assertEquals(1, new Sampler(SamplingParams.greedy().withPenalties(1f, 0.6f, 0f, 64), 3).sample(logits, history, 3));
        // presence 1.4 once: 5 -> 3.6, still wins despite three occurrences
        assertEquals(0, new Sampler(SamplingParams.greedy().withPenalties(1f, 0f, 1.4f, 64), 3).sample(logits, history, 3));
    }

    @Test
    void penaltiesOnlySeeTheLastNTokens() {
        float[] logits = {4f, 3f, 0f};
        int[] history = {0, 2, 2, 2};
        assertEquals(0, new Sampler(SamplingParams.greedy().withPenalties(4f, 0f, 0f, 3), 3).sample(logits, history, 4));
        assertEquals(1, new Sampler(SamplingParams.greedy().withPenalties(4f, 0f, 0f, 4), 3).sample(logits, history, 4));
        assertEquals(1, new Sampler(SamplingParams.greedy().withPenalties(4f, 0f, 0f, -1), 3).sample(logits, history, 4));
        assertEquals(0, new Sampler(SamplingParams.greedy().withPenalties(4f, 0f, 0f, 0), 3).sample(logits, history, 4));
    }

    @Test
    void logitBiasAppliesAfterPenaltiesAndCanBanTokens() {
        Sampler sampler = new Sampler(SamplingParams.greedy().withLogitBias(Map.of(2, 10f, 0, Float.NEGATIVE_INFINITY)), 3);
        assertEquals(2, sampler.sample(new float[] {5f, 4f, -5.5f}, NO_HISTORY, 0));
        Sampler ban = new Sampler(SamplingParams.greedy().withLogitBias(Map.of(0, Float.NEGATIVE_INFINITY)), 3);
        assertEquals(1, ban.sample(new float[] {5f, 4f, 3f}, NO_HISTORY, 0));
    }

    @Test
    void ignoreEosBansEndOfGenerationTokens() {
        Sampler sampler = new Sampler(SamplingParams.greedy().withIgnoreEos(true), 3, 2);
        assertEquals(0, sampler.sample(new float[] {1f, 0f, 9f}, NO_HISTORY, 0));
        Sampler normal = new Sampler(SamplingParams.greedy(), 3, 2);
        assertEquals(2, normal.sample(new float[] {1f, 0f, 9f}, NO_HISTORY, 0));
    }

    @Test
    void topKKeepsOnlyTheKBestTokens() {
        float[] logits = {0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f};
        int[] counts = histogram(SamplingParams.defaults(7).withFilters(2, 1f, 0f).withTemperature(1f), logits, 3000);
        assertEquals(0, counts[0] + counts[1] + counts[2] + counts[3]);
        assertTrue(counts[4] > 1000 && counts[5] > 1000);
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // probabilities 0.5, 0.25, 0.125, 0.125 (logits ln of those)
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.25), (float) Math.log(0.125), (float) Math.log(0.125)};
        int[] counts = histogram(SamplingParams.defaults(3).withFilters(0, 0.7f, 0f).withTemperature(1f), logits, 3000);
        assertEquals(0, counts[2] + counts[3]);
        assertTrue(counts[0] > counts[1] && counts[1] > 500);
        int[] tight = histogram(SamplingParams.defaults(3).withFilters(0, 0.5f, 0f).withTemperature(1f), logits, 500);
        assertEquals(500, tight[0]);
    }

    @Test
    void minPDropsTokensFarLessLikelyThanTheBest() {
        float[] logits = {(float) Math.log(0.6), (float) Math.log(0.3), (float) Math.log(0.1)};
        int[] counts = histogram(SamplingParams.defaults(5).withFilters(0, 1f, 0.25f).withTemperature(1f), logits, 3000);
        assertEquals(0, counts[2], "0.1 < 0.25 x 0.6");
        assertTrue(counts[1] > 500);
    }

    @Test
    void lowTemperatureSharpensAndHighTemperatureFlattens() {
        float[] logits = {1f, 0f};
        int[] cold = histogram(SamplingParams.defaults(9).withFilters(0, 1f, 0f).withTemperature(0.1f), logits, 2000);
        int[] hot = histogram(SamplingParams.defaults(9).withFilters(0, 1f, 0f).withTemperature(10f), logits, 2000);
        assertTrue(cold[1] < 10, "e^-10 is tiny");
        assertTrue(hot[1] > 800, "almost uniform");
    }

    @Test
    void samplesRoughlyInProportionToSoftmax() {
        float[] logits = {(float) Math.log(0.2), (float) Math.log(0.8)};
        int[] counts = histogram(SamplingParams.defaults(11).withFilters(0, 1f, 0f).withTemperature(1f), logits, 10000);
        assertEquals(0.8, counts[1] / 10000.0, 0.02);
    }

    @Test
    void samplingWithDefaultFiltersAllocatesNothingPerCall() {
        int vocab = 50_000;
        float[] logits = randomLogits(vocab, 3);
        int[] history = new int[64];
        for (int i = 0; i < history.length; i++) {
            history[i] = i * 31;
        }
        Sampler sampler = new Sampler(SamplingParams.defaults(1).withPenalties(1.1f, 0.1f, 0.1f, 64), vocab);
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int i = 0; i < 500; i++) {
            sink += sampler.sample(logits, history, history.length);
        }
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1000; i++) {
            sink += sampler.sample(logits, history, history.length);
        }
        long allocated = bean.getCurrentThreadAllocatedBytes() - before;
        assertTrue(sink >= 0);
        assertTrue(allocated < 16_384, "allocated " + allocated + " bytes in 1000 calls");
    }

    @Test
    void failsWhenEveryTokenIsBanned() {
        Sampler sampler = new Sampler(SamplingParams.defaults(1).withLogitBias(Map.of(0, Float.NEGATIVE_INFINITY)), 1);
        assertThrows(IllegalStateException.class, () -> sampler.sample(new float[] {1f}, NO_HISTORY, 0));
    }

    @Test
    void rejectsHistoryOutsideTheVocabulary() {
        Sampler sampler = new Sampler(SamplingParams.greedy().withPenalties(1.1f, 0f, 0f, 64), 2);
        assertThrows(IllegalArgumentException.class, () -> sampler.sample(new float[] {1f, 2f}, new int[] {5}, 1));
        assertEquals(1, sampler.sample(new float[] {1f, 2f}, new int[] {0}, 1), "counts stay clean after a rejected call");
    }
}
