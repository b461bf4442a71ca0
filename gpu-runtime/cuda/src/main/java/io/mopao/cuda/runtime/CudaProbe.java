package io.mopao.cuda.runtime;

import io.mopao.cuda.kernels.NvrtcOptions;
import io.mopao.cuda.select.DeviceProbe;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Loader;

/**
 * Looks for a usable CUDA device once: loads the JavaCPP CUDA bindings (which need the driver's {@code libcuda.so.1}
 * and the CUDA runtime libraries), counts devices and reads device 0's properties. Any failure becomes an unusable
 * {@link DeviceProbe} whose reason says what was missing; nothing is thrown. The result is kept for the JVM's lifetime:
 * a failed native load cannot be retried (the JVM then reports a bare "no jnicudart" instead of the first, telling
 * reason such as {@code libcuda.so.1: cannot open shared object file}).
 */
public final class CudaProbe {
    private static final java.util.Map<Integer, DeviceProbe> PROBES = new java.util.concurrent.ConcurrentHashMap<>();

    private CudaProbe() {
    }

    /** @return the probe of device 0 */
    public static DeviceProbe probe() {
        return probe(0);
    }

    /** @param ordinal device index; @return its probe (made once per JVM) */
    public static DeviceProbe probe(int ordinal) {
        return PROBES.computeIfAbsent(ordinal, CudaProbe::probeNow);
    }

    private static DeviceProbe probeNow(int ordinal) {
        try {
            Loader.load(cudart.class);
        } catch (Throwable e) {
            return DeviceProbe.unusable("the CUDA libraries could not be loaded (" + rootMessage(e) + ")");
        }
        try {
            int[] count = new int[1];
            int rc = cudart.cudaGetDeviceCount(count);
            if (rc != cudart.cudaSuccess) {
                return DeviceProbe.unusable("cudaGetDeviceCount failed: " + rc + " " + cudart.cudaGetErrorString(rc).getString());
            }
            if (count[0] <= ordinal) {
                return DeviceProbe.unusable(count[0] == 0 ? "the driver reports no CUDA devices" : "device " + ordinal + " requested, "
                        + count[0] + " present");
            }
            cudaDeviceProp prop = new cudaDeviceProp();
            rc = cudart.cudaGetDeviceProperties(prop, ordinal);
            if (rc != cudart.cudaSuccess) {
                return DeviceProbe.unusable("cudaGetDeviceProperties failed: " + rc + " " + cudart.cudaGetErrorString(rc).getString());
            }
            int[] driver = new int[1];
            cudart.cudaDriverGetVersion(driver);
            String name = prop.name().getString();
            if (prop.major() < NvrtcOptions.MIN_MAJOR) {
                return new DeviceProbe(false, name, ordinal, prop.major(), prop.minor(), prop.totalGlobalMem(), driver[0], name
                        + " has compute capability " + prop.major() + "." + prop.minor() + "; the CUDA backend needs "
                        + NvrtcOptions.MIN_MAJOR + ".0 or newer");
            }
            return new DeviceProbe(true, name, ordinal, prop.major(), prop.minor(), prop.totalGlobalMem(), driver[0], "ok");
        } catch (Throwable e) {
            return DeviceProbe.unusable("probing the CUDA device failed (" + rootMessage(e) + ")");
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }
}
