package io.mopao.character.rest;

import java.util.List;

/**
 * The one Mopao error shape.
 *
 * @param status HTTP status
 * @param code stable machine-readable code
 * @param message what went wrong, for a person
 * @param details one line per problem (e.g. per invalid field)
 */
public record ErrorBody(int status, String code, String message, List<String> details) {
}
