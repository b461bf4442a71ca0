package io.mopao.world.service;

import io.mopao.service.error.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Collects validation problems and throws one 400 naming all of them. */
final class Checks {

    private final List<String> problems = new ArrayList<>();

    void require(boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
        }
    }

    void text(String value, String field, int max, boolean required) {
        if (value == null || value.isBlank()) {
            require(!required, field + " is required");
            return;
        }
        require(value.length() <= max, field + " is longer than " + max + " characters");
    }

    void oneOf(String value, String field, Set<String> allowed) {
        require(value != null && allowed.contains(value),
            field + " must be one of " + String.join(", ", allowed.stream().sorted().toList()));
    }

    void list(List<?> value, String field, int max) {
        require(value == null || value.size() <= max, field + " has more than " + max + " items");
    }

    boolean ok() {
        return problems.isEmpty();
    }

    void throwIfAny(String message) {
        if (!problems.isEmpty()) {
            throw ApiException.validation(message, problems.size() > 50 ? problems.subList(0, 50) : problems);
        }
    }
}
