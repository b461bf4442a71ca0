package io.mopao.cuda.runtime;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nvrtc;

/**
 * Turns every return code into an exception naming the call: {@code cudaMalloc(1073741824 bytes) failed: 2
 * cudaErrorMemoryAllocation (out of memory)}. Every CUDA, driver, NVRTC and cuBLAS call of this module goes through it.
 */
public final class Check {
    private Check() {
    }

    /**
     * @param code a {@code cudaError_t}
     * @param call the call and its key arguments
     */
    public static void rt(int code, String call) {
        if (code != cudart.cudaSuccess) {
            throw new CudaException(call + " failed: " + code + " " + str(cudart.cudaGetErrorName(code)) + " ("
                    + str(cudart.cudaGetErrorString(code)) + ")");
        }
    }

    /**
     * @param code a driver {@code CUresult}
     * @param call the call and its key arguments
     */
    public static void drv(int code, String call) {
        if (code != cudart.CUDA_SUCCESS) {
            String text;
            try (PointerPointer<BytePointer> p = new PointerPointer<>(1)) {
                text = cudart.cuGetErrorString(code, p) == cudart.CUDA_SUCCESS && p.get(0) != null
                        ? p.getString(0) : "unknown driver error";
            }
            throw new CudaException(call + " failed: CUresult " + code + " (" + text + ")");
        }
    }

    /**
     * @param code an {@code nvrtcResult}
     * @param call the call
     */
    public static void nvrtc(int code, String call) {
        if (code != nvrtc.NVRTC_SUCCESS) {
            throw new CudaException(call + " failed: nvrtcResult " + code + " (" + str(nvrtc.nvrtcGetErrorString(code)) + ")");
        }
    }

    /**
     * @param code a {@code cublasStatus_t}
     * @param call the call
     */
    public static void cublas(int code, String call) {
        if (code != cublas.CUBLAS_STATUS_SUCCESS) {
            throw new CudaException(call + " failed: cublasStatus " + code + " (" + str(cublas.cublasGetStatusString(code)) + ")");
        }
    }

    private static String str(BytePointer p) {
        return p == null || p.isNull() ? "?" : p.getString();
    }
}
