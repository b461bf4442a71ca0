package io.mopao.cuda;

import io.mopao.cuda.runtime.CudaProbe;
import io.mopao.cuda.select.BackendChoice;
import io.mopao.cuda.select.BackendMode;
import io.mopao.cuda.select.BackendSelector;
import io.mopao.cuda.select.DeviceProbe;
import io.mopao.engine.cpu.CpuBackend;
import io.mopao.engine.model.Backend;
import io.mopao.engine.model.ModelOptions;
import io.mopao.engine.serving.runner.StepRunnerFactory;

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
     * What runs the serving engine's batched step, and why.
     *
     * @param runners the engine's runner factory (CPU {@code ModelRunner} or {@link CudaModelRunner})
     * @param choice  the decision, to report in the log, the health check and the metric
     */
    public record Serving(StepRunnerFactory runners, BackendChoice choice) {
    }

    /**
     * The serving engine's wiring: probes (once per JVM, except for {@code cpu}), decides and logs the choice, and gives
     * the runner factory to build every engine with.
     *
     * @param configured the configured value ({@code cpu}, {@code cuda} or {@code auto})
     * @return the runners and the choice
     * @throws IllegalArgumentException when the value is none of the three, naming them
     * @throws io.mopao.cuda.select.CudaUnavailableException when {@code cuda} is configured and no device is usable
     */
    public static Serving serving(String configured) {
        return serving(BackendSelector.select(BackendMode.parse(configured), CudaProbe::probe));
    }

    /**
     * @param choice a start-up decision
     * @return the runner factory it stands for (a CUDA choice gets the device runner, never the CPU one)
     */
    public static Serving serving(BackendChoice choice) {
        StepRunnerFactory runners = choice.cuda() ? CudaModelRunner.factory(choice.probe(), CudaBackend.DEFAULT_GEMM_THRESHOLD)
                : StepRunnerFactory.cpu();
        return new Serving(runners, choice);
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
