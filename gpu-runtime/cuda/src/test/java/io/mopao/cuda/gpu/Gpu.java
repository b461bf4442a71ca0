package io.mopao.cuda.gpu;

import io.mopao.cuda.runtime.CudaProbe;
import io.mopao.cuda.select.DeviceProbe;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The one sanctioned skip: GPU tests need a usable CUDA device and are skipped with the probe's reason without one
 * (every CI machine today). Probed once per JVM.
 */
final class Gpu {
    private static final DeviceProbe PROBE = CudaProbe.probe();

    private Gpu() {
    }

    static DeviceProbe require() {
        assumeTrue(PROBE.usable(), () -> "GPU test skipped: no usable CUDA device: " + PROBE.reason());
        return PROBE;
    }

    /**
     * @return the shared stories260K model ({@code $MOPAO_SHARED_DIR/models}, else {@code shared/models} beside the
     *         checkout); a GPU machine must have it (the test fails, it is not skipped)
     */
    static Path stories260k() {
        String shared = System.getenv("MOPAO_SHARED_DIR");
        Path model = Path.of(shared == null ? "../../../shared" : shared).resolve("models/stories260K.gguf");
        assertTrue(Files.isRegularFile(model), "stories260K.gguf is required on a GPU machine: " + model.toAbsolutePath());
        return model;
    }
}
