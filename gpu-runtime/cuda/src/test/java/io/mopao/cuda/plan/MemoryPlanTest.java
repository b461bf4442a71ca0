package io.mopao.cuda.plan;

import io.mopao.engine.gguf.GgmlType;
import io.mopao.engine.model.Model;
import io.mopao.engine.model.ModelOptions;
import io.mopao.engine.serving.bench.SyntheticModel;
import io.mopao.engine.serving.kv.KvCacheConfig;
import io.mopao.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryPlanTest {
    @TempDir
    Path dir;

    private Model load(GgmlType type, String arch) {
        SyntheticModel spec = new SyntheticModel(arch, type, 256, 2, 4, 2, 512, 512, 256, 3);
        return Model.load(spec.write(dir.resolve(arch + type + ".gguf")), ModelOptions.defaults().withThreads(1));
    }

    @Test
    void quantisedMatricesKeepTheirBlockBytesAlignedEntries() {
        try (Model m = load(GgmlType.Q8_0, "llama")) {
            WeightLayout l = WeightLayout.of(m.weights());
            Tensor wq = m.weights().layers().get(0).wq();
            WeightLayout.Entry e = l.entry(wq);
            assertEquals(256L * 256 / 32 * 34, e.bytes(), "Q8_0 stays 34 bytes per 32 weights");
            for (WeightLayout.Entry x : l.entries()) {
                assertEquals(0, x.offset() % WeightLayout.ALIGN, x.name());
            }
            assertEquals(4L * 256, l.entry(m.weights().outputNorm()).bytes(), "norms are f32");
            // entries do not overlap and the arena covers them
            long end = 0;
            for (WeightLayout.Entry x : l.entries()) {
                assertTrue(x.offset() >= end, x.name());
                end = x.offset() + x.bytes();
            }
            assertTrue(l.bytes() >= end);
            // 2 layers x (4 attention + 3 ffn + 2 norms) + embedding + output norm + output
            assertEquals(2 * 9 + 3, l.entries().size());
        }
    }

    @Test
    void q4kAndBiasesAreLaidOut() {
        try (Model m = load(GgmlType.Q4_K, "qwen2")) {
            WeightLayout l = WeightLayout.of(m.weights());
            assertEquals(512L * 256 / 256 * 144, l.entry(m.weights().layers().get(0).wGate()).bytes());
            assertEquals(4L * 256, l.entry(m.weights().layers().get(1).bq()).bytes());
            assertEquals(2 * 12 + 3, l.entries().size());
        }
    }

    @Test
    void planSumsWeightsKvActivationsAndScratch() {
        try (Model m = load(GgmlType.Q8_0, "llama")) {
            KvCacheConfig kv = KvCacheConfig.ofTokens(1024, 16, true);
            MemoryPlan p = MemoryPlan.of(m.config(), m.weights(), kv, 256, 16, 256, 64);
            // 2 layers x {k, v} x 64 blocks x 16 positions x kvDim 128 x 4 bytes
            assertEquals(2L * 2 * 64 * 16 * 128 * 4, p.parts().get("kv pool"));
            assertEquals(WeightLayout.of(m.weights()).bytes(), p.parts().get("weights"));
            // the largest dequantised matrix: ffn 512 x 256 (or output 512 x 256) in f32
            assertEquals(4L * 512 * 256, p.parts().get("gemm scratch"));
            long act = 4L * 256 * (2 * 256 + 2 * 256 + 2 * 128 + 2 * 512);
            assertEquals(WeightLayout.align(act), p.parts().get("activations"));
            assertEquals(p.parts().values().stream().mapToLong(Long::longValue).sum(), p.total());
            // below the GEMM threshold no scratch is planned
            assertEquals(0L, MemoryPlan.of(m.config(), m.weights(), kv, 32, 16, 256, 64).parts().get("gemm scratch"));
        }
    }

    @Test
    void aPlanThatDoesNotFitSaysWhatToShrink() {
        try (Model m = load(GgmlType.F16, "llama")) {
            MemoryPlan p = MemoryPlan.of(m.config(), m.weights(), KvCacheConfig.ofTokens(1024, 16, true), 64, 8, 256, 64);
            p.checkFits(p.total() + MemoryPlan.RESERVE_BYTES);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.checkFits(p.total()));
            assertTrue(e.getMessage().contains("Use a smaller KV pool"), e.getMessage());
            assertTrue(e.getMessage().contains("kv pool"), e.getMessage());
        }
    }
}
