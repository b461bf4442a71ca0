package io.mopao.cuda.gpu;

import io.mopao.cuda.runtime.CudaProbe;
import io.mopao.cuda.select.DeviceProbe;

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
}
