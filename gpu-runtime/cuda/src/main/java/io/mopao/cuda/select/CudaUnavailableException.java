package io.mopao.cuda.select;

/** Start-up failure: the configuration asks for CUDA and no usable device was found. Never caught to fall back. */
public final class CudaUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what was asked, what was found, and what to change */
    public CudaUnavailableException(String message) {
        super(message);
    }
}
