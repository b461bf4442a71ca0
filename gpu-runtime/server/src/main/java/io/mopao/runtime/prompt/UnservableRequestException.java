package io.mopao.runtime.prompt;

/** A request that is well-formed but cannot be served as asked (unknown model, context too long, bad settings). */
public final class UnservableRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Machine-readable reason, e.g. {@code model_not_found}, {@code context_length_exceeded}, {@code invalid_request}. */
    private final String code;
    /** The request field at fault, or null. */
    private final String param;

    public UnservableRequestException(String code, String param, String message) {
        super(message);
        this.code = code;
        this.param = param;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }
}
