package io.mopao.world.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.mopao.world.service.ApiException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.persistence.OptimisticLockException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.stream.Collectors;
import org.hibernate.StaleStateException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps every failure to {@link ErrorBody}; 4xx for the caller's mistakes, 500 only for ours (never with internals). */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    static Response error(int status, String code, String message, List<String> details) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorBody(status, code, message, details)).build();
    }

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return error(e.status(), e.code(), e.getMessage(), e.details());
    }

    @ServerExceptionMapper
    public Response mismatch(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response invalidFormat(InvalidFormatException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response parse(JsonParseException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        String where = "";
        if (e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            where = " at '" + mismatch.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")) + "'";
        }
        String message = e instanceof InvalidFormatException || e instanceof MismatchedInputException
            ? "request body has a field of the wrong type" + where
            : "request body is not valid JSON";
        boolean syntax = !(e instanceof MismatchedInputException);
        return error(400, "malformed_json", message, syntax ? List.of(safe(e.getOriginalMessage())) : List.of());
    }

    @ServerExceptionMapper
    public Response optimistic(OptimisticLockException e) {
        return error(409, "conflict", "the resource was changed concurrently; reload it and try again", List.of());
    }

    @ServerExceptionMapper
    public Response stale(StaleStateException e) {
        return error(409, "conflict", "the resource was changed concurrently; reload it and try again", List.of());
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return error(401, "unauthorized", "sign in first (a bearer token is required)", List.of());
    }

    @ServerExceptionMapper
    public Response authFailed(AuthenticationFailedException e) {
        return error(401, "unauthorized", "the bearer token is invalid or expired", List.of());
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return error(403, "forbidden", "your account lacks the role this action needs", List.of());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            default -> status < 500 ? "bad_request" : "internal_error";
        };
        String message = switch (status) {
            case 404 -> "no such resource";
            case 415 -> "unsupported content type; send application/json";
            case 413 -> "request body is too large";
            default -> status < 500 ? safe(e.getMessage()) : "internal error";
        };
        return error(status, code, message, List.of());
    }

    @ServerExceptionMapper
    public Response other(RuntimeException e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            if (cause instanceof ApiException api) {
                return api(api);
            }
            cause = cause.getCause();
        }
        if (cause instanceof ApiException api) {
            return api(api);
        }
        if (cause instanceof OptimisticLockException || cause instanceof StaleStateException) {
            return optimistic(null);
        }
        LOG.error("unexpected failure", e);
        return error(500, "internal_error", "internal error; the failure was logged", List.of());
    }

    private static String safe(String message) {
        if (message == null) {
            return "";
        }
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }
}
