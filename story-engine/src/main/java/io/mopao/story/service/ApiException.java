package io.mopao.story.service;

import java.time.Duration;
import java.util.List;

/** A caller's mistake or a refused request, mapped to the one JSON error shape (and to WebSocket error frames). */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final List<String> details;
    private final Duration retryAfter;

    public ApiException(int status, String code, String message) {
        this(status, code, message, List.of(), null);
    }

    public ApiException(int status, String code, String message, List<String> details, Duration retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = details == null ? List.of() : List.copyOf(details);
        this.retryAfter = retryAfter;
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " not found");
    }

    public static ApiException invalid(String message) {
        return new ApiException(400, "validation_failed", message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public List<String> details() {
        return details;
    }

    /** For 429: when the caller may try again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
