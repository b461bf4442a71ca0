package io.mopao.service.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Turns Jackson's failures into a {@code malformed_json} answer that says where and what, without class names. */
public final class JsonProblems {

    private static final int MAX_PARSER_MESSAGE = 200;

    private JsonProblems() {
    }

    /** 400 {@code malformed_json} for a request body Jackson could not read. */
    public static ApiException malformed(JsonProcessingException e) {
        if (e instanceof MismatchedInputException mismatch) {
            String path = path(mismatch.getPath());
            String expected = mismatch.getTargetType() != null && mismatch.getTargetType().isEnum() ? acceptedNames(mismatch)
                : expected(mismatch.getTargetType());
            if (path.isEmpty()) {
                return new ApiException(400, "malformed_json", "the request body has the wrong shape: expected " + expected, List.of());
            }
            return new ApiException(400, "malformed_json", "the request body does not fit: '" + path + "' should be " + expected,
                List.of(path + ": should be " + expected));
        }
        if (e instanceof StreamConstraintsException) {
            return new ApiException(400, "malformed_json", "the request body is too deeply nested or too large: " + describe(e),
                List.of());
        }
        return new ApiException(400, "malformed_json", "the request body is not valid JSON: " + describe(e), List.of());
    }

    /** The parser's message without its source excerpt, cut to 200 characters, with line and column where known. */
    public static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message == null || message.isBlank()) {
            message = "unreadable";
        }
        if (message.length() > MAX_PARSER_MESSAGE) {
            message = message.substring(0, MAX_PARSER_MESSAGE) + "...";
        }
        if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
            message += " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        }
        return message;
    }

    /** {@code characterBook.entries[2].keys}: field names joined with dots, array indexes in brackets. */
    static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : references) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /**
     * The names an enum field accepts, as Jackson lists them in its message (its names, which may differ from the Java
     * constants'): "one of [private, unlisted, public]"; without such a list, "one of the allowed names".
     */
    static String acceptedNames(MismatchedInputException e) {
        String message = e.getOriginalMessage();
        String marker = "accepted for Enum class: [";
        int at = message == null ? -1 : message.indexOf(marker);
        int end = at < 0 ? -1 : message.indexOf(']', at);
        if (end < 0) {
            return expected(e.getTargetType());
        }
        return "one of " + message.substring(at + marker.length() - 1, end + 1);
    }

    /** What a JSON value of the target type looks like, in JSON's words. */
    static String expected(Class<?> type) {
        if (type == null) {
            return "another kind of value";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type.isEnum()) {
            return "one of the allowed names";
        }
        if (type == String.class || type == Character.class || type == char.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (Map.class.isAssignableFrom(type) || !type.getName().startsWith("java.")) {
            return "an object";
        }
        return "another kind of value";
    }
}
