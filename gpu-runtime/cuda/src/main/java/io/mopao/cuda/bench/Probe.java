package io.mopao.cuda.bench;

import io.mopao.cuda.runtime.CudaProbe;
import io.mopao.cuda.select.DeviceProbe;

/** Prints the device probe as one line and exits 0 when a device is usable, 2 otherwise (for scripts). */
public final class Probe {
    private Probe() {
    }

    /** @param args unused */
    public static void main(String[] args) {
        DeviceProbe p = CudaProbe.probe();
        System.out.println(p.usable() ? "cuda device: " + p.describe() + ", driver " + p.driverVersion()
                : "no usable CUDA device: " + p.reason());
        System.exit(p.usable() ? 0 : 2);
    }
}
