package io.mopao.cuda.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Compiles the generated kernels for sm_90 with the CUDA toolkit's {@code nvcc} where one is installed (no GPU needed)
 * and checks that no kernel spills registers. nvcc adds {@code cuda_runtime.h} implicitly and NVRTC does not, so this
 * proves the source is valid CUDA C++, not that NVRTC accepts it: the GPU tests do that.
 */
class KernelSourceNvccTest {
    @TempDir
    Path dir;

    private static Path nvcc() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d, "nvcc");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    @Test
    void generatedSourceCompilesForHopperWithoutSpills() throws Exception {
        Path nvcc = nvcc();
        assumeTrue(nvcc != null, "nvcc is not on PATH: the CUDA toolkit is not installed here");
        Path cu = Files.writeString(dir.resolve("kernels.cu"), KernelSource.generate());
        Path log = dir.resolve("nvcc.log");
        Process p = new ProcessBuilder(List.of(nvcc.toString(), "-arch=sm_90", "-cubin", "-std=c++17", "--resource-usage", "-o",
                dir.resolve("kernels.cubin").toString(), cu.toString())).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertEquals(true, p.waitFor(5, TimeUnit.MINUTES), "nvcc timed out");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertFalse(out.lines().anyMatch(l -> l.matches(".*[1-9][0-9]* bytes spill stores.*")), out);
    }
}
