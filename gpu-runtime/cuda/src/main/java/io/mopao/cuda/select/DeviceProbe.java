package io.mopao.cuda.select;

/**
 * The outcome of looking for a usable CUDA device, made once at start-up: either a device (name, compute capability,
 * memory, driver and runtime versions) or the reason there is none (for example {@code libcuda.so.1} missing).
 *
 * @param usable           whether a device can run the backend
 * @param device           the device's name, or "" when none
 * @param ordinal          the device index used
 * @param computeMajor     compute capability, major
 * @param computeMinor     compute capability, minor
 * @param totalMemoryBytes the device's memory
 * @param driverVersion    CUDA driver version as reported (e.g. 13010), 0 when unknown
 * @param reason           why it is unusable, or a one-line description when usable
 */
public record DeviceProbe(boolean usable, String device, int ordinal, int computeMajor, int computeMinor, long totalMemoryBytes,
                          int driverVersion, String reason) {

    /**
     * @param reason why there is no usable device
     * @return an unusable probe
     */
    public static DeviceProbe unusable(String reason) {
        return new DeviceProbe(false, "", -1, 0, 0, 0, 0, reason);
    }

    /** @return e.g. {@code NVIDIA H100 80GB HBM3 (sm_90, 79.1 GiB)}, or "none" */
    public String describe() {
        if (!usable) {
            return "none";
        }
        return device + " (sm_" + computeMajor + computeMinor + ", " + String.format(java.util.Locale.ROOT, "%.1f GiB",
                totalMemoryBytes / (double) (1L << 30)) + ")";
    }
}
