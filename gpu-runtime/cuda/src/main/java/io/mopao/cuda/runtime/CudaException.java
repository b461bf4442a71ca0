package io.mopao.cuda.runtime;

/** A CUDA runtime, driver, NVRTC or cuBLAS call failed; the message names the call, the code and its meaning. */
public final class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message the call, code and reason */
    public CudaException(String message) {
        super(message);
    }
}
