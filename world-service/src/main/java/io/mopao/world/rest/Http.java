package io.mopao.world.rest;

import io.mopao.service.error.ApiException;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.UUID;

/** Small helpers shared by the resources: ETags, If-Match, ids. */
final class Http {

    private Http() {
    }

    static Response ok(Object body, long version) {
        return Response.ok(body).tag(new EntityTag(Long.toString(version))).build();
    }

    static Response created(String path, Object body, long version) {
        return Response.created(URI.create(path)).entity(body).tag(new EntityTag(Long.toString(version))).build();
    }

    /** The version named by an If-Match header ({@code "3"} or {@code W/"3"}); null when absent or {@code *}. */
    static Long ifMatch(String header) {
        if (header == null || header.isBlank() || header.strip().equals("*")) {
            return null;
        }
        String value = header.strip();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        value = value.replace("\"", "");
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.validation("If-Match must be the ETag of the resource, e.g. \"3\"", List.of());
        }
    }

    static UUID uuid(String value, String what) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ApiException.notFound(what);
        }
    }
}
