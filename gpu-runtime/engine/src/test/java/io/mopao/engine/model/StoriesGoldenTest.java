package io.mopao.engine.model;

import io.mopao.engine.sampling.Sampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Greedy generation with the real stories260K model reproduces llama2.c's reference token ids exactly. */
class StoriesGoldenTest {

    static int[] greedy(Model model, int[] prompt, int steps) {
        State state = model.newState();
        float[] logits = model.forward(state, 0, prompt);
        int[] out = new int[steps];
        int pos = prompt.length;
        for (int i = 0; i < steps; i++) {
            int next = argmax(logits);
            out[i] = next;
            if (i + 1 < steps) {
                logits = model.forward(state, pos++, next);
            }
        }
        return out;
    }

    static int argmax(float[] v) {
        return Sampler.argmax(v, 0, v.length);
    }

    @ParameterizedTest(name = "threads={0} chunk={1} vectorized={2}")
    @CsvSource({"1,32,true", "2,32,true", "2,1,true", "3,7,true", "1,32,false"})
    void greedyGenerationMatchesLlama2cReference(int threads, int chunk, boolean vectorized) {
        Path model = SharedModels.require("stories260K.gguf");
        List<ReferenceGenerations> refs = ReferenceGenerations.read(SharedModels.require("stories260K-reference-greedy.jsonl"));
        assertEquals(3, refs.size());
        try (Model m = Model.load(model, new ModelOptions(threads, 0, chunk, vectorized))) {
            assertEquals("llama", m.config().architecture());
            for (ReferenceGenerations ref : refs) {
                assertArrayEquals(ref.generatedTokenIds(), greedy(m, ref.promptTokenIds(), ref.generatedTokenIds().length),
                        "generation for prompt '" + ref.prompt() + "'");
            }
        }
    }

    @Test
    void statesAreIndependentSequencesSharingOneModel() {
        Path model = SharedModels.require("stories260K.gguf");
        List<ReferenceGenerations> refs = ReferenceGenerations.read(SharedModels.require("stories260K-reference-greedy.jsonl"));
        try (Model m = Model.load(model, ModelOptions.defaults().withThreads(2))) {
            State a = m.newState();
            State b = m.newState();
            int[] pa = refs.get(0).promptTokenIds();
            int[] pb = refs.get(1).promptTokenIds();
            int na = argmax(m.forward(a, 0, pa));
            int nb = argmax(m.forward(b, 0, pb));
            // interleave the two sequences step by step
            for (int i = 0; i < 10; i++) {
                assertEquals(refs.get(0).generatedTokenIds()[i], na);
                assertEquals(refs.get(1).generatedTokenIds()[i], nb);
                na = argmax(m.forward(a, pa.length + i, na));
                nb = argmax(m.forward(b, pb.length + i, nb));
            }
        }
    }
}
