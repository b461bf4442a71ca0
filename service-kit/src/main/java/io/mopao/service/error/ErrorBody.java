package io.mopao.service.error;

import java.util.List;

/**
 * The one error shape of every Mopao service: {@code {"status", "code", "message", "details"}}.
 *
 * @param status HTTP status
 * @param code stable machine-readable code
 * @param message what went wrong, for a person
 * @param details one line per problem (e.g. per invalid field); never null
 */
public record ErrorBody(int status, String code, String message, List<String> details) {

    public ErrorBody {
        details = details == null ? List.of() : List.copyOf(details);
    }
}
