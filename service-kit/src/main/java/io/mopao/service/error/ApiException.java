package io.mopao.service.error;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A caller's mistake or a refused request: the HTTP status (4xx, or 5xx for a dependency the caller may retry), a
 * stable machine-readable code, a message a person can act on, and one detail line per problem (e.g. per invalid
 * field). {@link ErrorMappers} turns it into the one Mopao error shape, {@link ErrorBody}.
 *
 * <p>It carries no stack trace: it is an answer to the caller, not a failure of ours, and it is never logged.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final List<String> details;
    private final Duration retryAfter;

    /**
     * @param status HTTP status, 400 to 599
     * @param code stable machine-readable code, e.g. {@code validation_failed}
     * @param message what went wrong, for a person
     * @param details one line per problem; null means none
     * @param retryAfter when the caller may try again (sent as {@code Retry-After}); null when that is not the point
     */
    public ApiException(int status, String code, String message, List<String> details, Duration retryAfter) {
        super(message, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an ApiException carries an error status (400-599), not " + status);
        }
        if (code == null || code.isBlank()) {
            throw new IllegalArgumentException("an ApiException needs a code");
        }
        this.status = status;
        this.code = code;
        this.details = details == null ? List.of() : List.copyOf(details);
        this.retryAfter = retryAfter;
    }

    public ApiException(int status, String code, String message, List<String> details) {
        this(status, code, message, details, null);
    }

    public ApiException(int status, String code, String message) {
        this(status, code, message, List.of(), null);
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

    /** When the caller may try again, for 429 and 503 answers. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** 404 {@code not_found}: "{what} not found". Also for what exists but the caller may not see. */
    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " not found");
    }

    /** 403 {@code forbidden}: the caller may see the thing but not do this to it. */
    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message);
    }

    /** 400 {@code validation_failed} with one detail line per problem. */
    public static ApiException validation(String message, List<String> details) {
        return new ApiException(400, "validation_failed", message, details);
    }

    /** 400 {@code validation_failed} for a single problem the message names. */
    public static ApiException invalid(String message) {
        return new ApiException(400, "validation_failed", message);
    }

    /** 409 {@code conflict}: the request clashes with the current state (e.g. a concurrent change won). */
    public static ApiException conflict(String message) {
        return new ApiException(409, "conflict", message);
    }

    /** 413 {@code payload_too_large}. */
    public static ApiException tooLarge(String message) {
        return new ApiException(413, "payload_too_large", message);
    }

    /** 415 {@code unsupported_media_type}. */
    public static ApiException unsupportedMediaType(String message) {
        return new ApiException(415, "unsupported_media_type", message);
    }
}
