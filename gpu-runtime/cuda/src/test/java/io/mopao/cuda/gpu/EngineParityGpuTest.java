package io.mopao.cuda.gpu;

import io.mopao.cuda.CudaBackend;
import io.mopao.cuda.CudaModelRunner;
import io.mopao.cuda.select.DeviceProbe;
import io.mopao.engine.gguf.GgmlType;
import io.mopao.engine.model.Model;
import io.mopao.engine.model.ModelOptions;
import io.mopao.engine.sampling.SamplingParams;
import io.mopao.engine.serving.Completion;
import io.mopao.engine.serving.Engine;
import io.mopao.engine.serving.EngineConfig;
import io.mopao.engine.serving.EngineStats;
import io.mopao.engine.serving.GenerationRequest;
import io.mopao.engine.serving.bench.SyntheticModel;
import io.mopao.engine.serving.runner.StepRunnerFactory;
import io.mopao.engine.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole-model greedy parity through the serving {@link Engine}: the same greedy requests, submitted together, on an
 * engine built with the CPU runner and on one built with {@link CudaModelRunner#factory} must produce the same tokens
 * (and, with a tokenizer, the same text). The engine's scheduler drives the device runner exactly as in production:
 * continuous batching, chunked prefill (a 32-token step budget), prefix-cache hits with copy-on-write block copies
 * (requests share a persona prefix), and preemption when the KV pool is small. Float models only (F32, F16): the CPU
 * multiplies quantised weights with int8-quantised activations, so quantised greedy tokens may legitimately differ; their
 * logits are bounded in {@link RunnerParityGpuTest}. Skipped, with the probe's reason, without a usable CUDA device.
 */
class EngineParityGpuTest {
    private static final int REQUESTS = 12;

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"llama,F32,4096", "llama,F16,4096", "qwen2,F32,4096", "llama,F32,160"})
    void generatedModelsServeTheSameTokensAsTheCpu(String arch, GgmlType type, long kvTokens) {
        DeviceProbe p = Gpu.require();
        SyntheticModel spec = new SyntheticModel(arch, type, 128, 2, 4, 2, 256, 256, 512, 5);
        Path file = spec.write(dir.resolve(arch + type + ".gguf"));
        EngineConfig config = EngineConfig.defaults().withKvCacheTokens(kvTokens).withBlockSize(16).withBatch(32, 8).withThreads(2);
        compare(p, file, null, config, 256, kvTokens < 1000);
    }

    @Test
    void stories260kServesTheSameTextAsTheCpu() {
        DeviceProbe p = Gpu.require();
        Path model = Gpu.stories260k();
        EngineConfig config = EngineConfig.defaults().withKvCacheTokens(4096).withBlockSize(16).withBatch(64, 8).withThreads(2)
                .withMaxModelLen(512);
        compare(p, model, "tokenizer", config, 0, false);
    }

    private void compare(DeviceProbe p, Path file, String withTokenizer, EngineConfig config, int vocab, boolean expectPreemption) {
        try (Model m = Model.load(file, ModelOptions.defaults().withThreads(2))) {
            Tokenizer tokenizer = withTokenizer == null ? null : Tokenizer.fromGguf(m.metadata());
            int v = vocab > 0 ? vocab : m.config().vocabSize();
            List<GenerationRequest> requests = requests(v);
            List<Completion> cpu = serve(m, tokenizer, config, StepRunnerFactory.cpu(), requests);
            EngineStats cpuStats = lastStats;
            List<Completion> gpu = serve(m, tokenizer, config, CudaModelRunner.factory(p, CudaBackend.DEFAULT_GEMM_THRESHOLD), requests);
            for (int i = 0; i < requests.size(); i++) {
                String what = file.getFileName() + " request " + i;
                assertEquals(cpu.get(i).reason(), gpu.get(i).reason(), what + ": " + gpu.get(i).error());
                assertArrayEquals(cpu.get(i).tokens(), gpu.get(i).tokens(), what);
                assertEquals(cpu.get(i).text(), gpu.get(i).text(), what);
                assertEquals(cpu.get(i).usage().promptTokens(), gpu.get(i).usage().promptTokens(), what);
            }
            if (!expectPreemption) {
                assertTrue(lastStats.cachedPromptTokens() > 0, "the device engine hit cached prefixes");
            } else {
                assertTrue(lastStats.preemptions() > 0 && cpuStats.preemptions() > 0, "the small pool forced preemptions");
            }
        }
    }

    private static EngineStats lastStats;

    private static List<Completion> serve(Model m, Tokenizer tokenizer, EngineConfig config, StepRunnerFactory runners,
                                          List<GenerationRequest> requests) {
        try (Engine engine = new Engine(m, tokenizer, config, runners)) {
            List<CompletableFuture<Completion>> futures = new ArrayList<>();
            for (GenerationRequest r : requests) {
                futures.add(engine.submit(r).completion());
            }
            List<Completion> out = futures.stream().map(CompletableFuture::join).toList();
            lastStats = engine.stats();
            return out;
        }
    }

    /** Three personas of 40 shared tokens, each request with its own turn of 3 to 25 tokens; greedy, 20 new tokens. */
    private static List<GenerationRequest> requests(int vocab) {
        List<GenerationRequest> out = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            int persona = i % 3;
            int[] prompt = new int[40 + 3 + 2 * i];
            for (int t = 0; t < prompt.length; t++) {
                int raw = t < 40 ? persona * 17 + t * 5 : i * 11 + t * 3;
                // token 0 and the first ids are often special (BOS/EOS) in real vocabularies: keep to ordinary ids
                prompt[t] = 3 + raw % (vocab - 3);
            }
            out.add(GenerationRequest.ofTokens("r" + i, prompt, SamplingParams.greedy().withMaxTokens(20)));
        }
        return out;
    }
}
