package io.mopao.runtime.openai;

/**
 * An error returned in OpenAI's shape: {@code {"error": {"message", "type", "param", "code"}}}.
 */
public final class OpenAiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public OpenAiException(int status, String type, String param, String code, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /**
     * @param param   the field at fault
     * @param message what to fix
     * @return a 400 invalid_request_error
     */
    public static OpenAiException invalid(String param, String message) {
        return new OpenAiException(400, "invalid_request_error", param, null, message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
