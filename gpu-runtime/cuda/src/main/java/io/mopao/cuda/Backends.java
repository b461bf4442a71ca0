package io.mopao.cuda;

import io.mopao.cuda.runtime.CudaProbe;
import io.mopao.cuda.select.BackendChoice;
import io.mopao.cuda.select.BackendMode;
import io.mopao.cuda.select.BackendSelector;
import io.mopao.cuda.select.DeviceProbe;
import io.mopao.engine.cpu.CpuBackend;
import io.mopao.engine.model.Backend;
import io.mopao.engine.model.ModelOptions;

import java.util.function.Supplier;

/**
 * Start-up wiring: the configured {@code backend} value ({@code cpu}, {@code cuda} or {@code auto}) to a running
 * {@link Backend} and the {@link BackendChoice} to report in the log, the health check and the metric. A CUDA start
 * failure propagates: there is no silent fallback to the CPU.
 */
public final class Backends {
    private Backends() {
    }

    /**
     * A backend and why it was chosen.
     *
     * @param backend the backend
     * @param choice  the decision
     */
    public record Selected(Backend backend, BackendChoice choice) {
    }

    /**
     * @param configured the configured value
     * @param options    CPU threads and kernels (for the CPU backend)
     * @return the backend
     * @throws io.mopao.cuda.select.CudaUnavailableException when {@code cuda} is configured and no device is usable
     */
    public static Selected create(String configured, ModelOptions options) {
        return create(BackendMode.parse(configured), options, CudaProbe::probe);
    }

    /**
     * @param mode    the mode
     * @param options CPU options
     * @param probe   the device probe (replaceable in tests)
     * @return the backend
     */
    public static Selected create(BackendMode mode, ModelOptions options, Supplier<DeviceProbe> probe) {
        BackendChoice choice = BackendSelector.select(mode, probe);
        Backend backend = choice.cuda() ? CudaBackend.open(choice.probe()) : new CpuBackend(options.threads(), options.vectorized());
        return new Selected(backend, choice);
    }
}
