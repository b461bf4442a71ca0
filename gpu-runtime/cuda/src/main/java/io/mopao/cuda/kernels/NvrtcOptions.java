package io.mopao.cuda.kernels;

import java.util.ArrayList;
import java.util.List;

/**
 * The NVRTC command line for the kernels: compile straight to the device's SASS ({@code -arch=sm_XY}, loaded with
 * {@code cuModuleLoadData} from {@code nvrtcGetCUBIN}), C++17, and IEEE arithmetic — no {@code --use_fast_math}, so
 * {@code expf}, {@code sqrt} and divisions round like the CPU reference within the parity bounds; FMA contraction stays
 * on (it only makes sums more exact).
 *
 * @param computeMajor the device's compute capability, major (8 or more: the kernels use warp shuffles with masks)
 * @param computeMinor minor
 * @param lineInfo     emit line info for profilers
 */
public record NvrtcOptions(int computeMajor, int computeMinor, boolean lineInfo) {

    /** Oldest supported compute capability: Ampere (sm_80). */
    public static final int MIN_MAJOR = 8;

    public NvrtcOptions {
        if (computeMajor < MIN_MAJOR) {
            throw new IllegalArgumentException("compute capability " + computeMajor + "." + computeMinor
                    + " is too old for the CUDA backend: it needs " + MIN_MAJOR + ".0 (Ampere) or newer");
        }
        if (computeMinor < 0 || computeMinor > 9) {
            throw new IllegalArgumentException("compute capability minor " + computeMinor + " is out of range");
        }
    }

    /** @return {@code sm_90} for compute capability 9.0 */
    public String arch() {
        return "sm_" + computeMajor + computeMinor;
    }

    /** @return the options, in order, as NVRTC takes them */
    public List<String> toList() {
        List<String> o = new ArrayList<>(List.of("--gpu-architecture=" + arch(), "--std=c++17", "--fmad=true", "--ftz=false",
                "--prec-div=true", "--prec-sqrt=true", "--device-as-default-execution-space"));
        if (lineInfo) {
            o.add("--generate-line-info");
        }
        return List.copyOf(o);
    }
}
