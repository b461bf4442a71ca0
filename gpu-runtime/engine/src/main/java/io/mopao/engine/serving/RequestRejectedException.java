package io.mopao.engine.serving;

/** A request that can never run (too long for the model or the KV pool, bad tokens, bad parameters). */
public final class RequestRejectedException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public RequestRejectedException(String message) {
        super(message);
    }
}
