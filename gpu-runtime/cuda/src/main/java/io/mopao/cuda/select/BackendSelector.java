package io.mopao.cuda.select;

import java.util.function.Supplier;

/**
 * Turns the configured {@link BackendMode} and a device probe into a {@link BackendChoice}, once, at start-up:
 * <ul>
 *   <li>{@code cpu}: CPU, without probing;</li>
 *   <li>{@code cuda}: CUDA, or a {@link CudaUnavailableException} with the probe's reason when no device is usable;</li>
 *   <li>{@code auto}: CUDA when the probe finds a usable device, else CPU with the probe's reason.</li>
 * </ul>
 * The choice is logged at INFO. Nothing here falls back after start-up: a CUDA failure later is an error, not a switch
 * to the CPU.
 */
public final class BackendSelector {
    private static final System.Logger LOG = System.getLogger(BackendSelector.class.getName());

    private BackendSelector() {
    }

    /**
     * @param mode  the configured mode
     * @param probe looks for a device (called only for {@code cuda} and {@code auto})
     * @return the choice
     * @throws CudaUnavailableException when {@code mode} is {@code cuda} and no device is usable
     */
    public static BackendChoice select(BackendMode mode, Supplier<DeviceProbe> probe) {
        BackendChoice choice = switch (mode) {
            case CPU -> new BackendChoice(mode, "cpu", DeviceProbe.unusable("not probed (backend=cpu)"), "configured backend=cpu");
            case CUDA -> {
                DeviceProbe p = probe.get();
                if (!p.usable()) {
                    throw new CudaUnavailableException("backend=cuda but no usable CUDA device: " + p.reason()
                            + ". Run on a machine with an NVIDIA driver and GPU, or set the backend to cpu or auto.");
                }
                yield new BackendChoice(mode, "cuda", p, "configured backend=cuda; device " + p.describe());
            }
            case AUTO -> {
                DeviceProbe p = probe.get();
                yield p.usable() ? new BackendChoice(mode, "cuda", p, "backend=auto found " + p.describe())
                        : new BackendChoice(mode, "cpu", p, "backend=auto found no usable CUDA device: " + p.reason());
            }
        };
        LOG.log(System.Logger.Level.INFO, "backend {0} chosen ({1})", choice.backend(), choice.reason());
        return choice;
    }
}
