package io.mopao.service.error;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Maps every failure of a request to {@link ErrorBody}: the caller's mistakes are 4xx with a message a person can act
 * on, our own failures are a logged 500 that says nothing about internals (no stack trace, no class name).
 *
 * <p>Quarkus picks the mapper of the most specific exception type, and its own built-in mappers for Jackson's
 * {@link MismatchedInputException} and for the security exceptions are as specific as they get: hence one method per
 * such type here, all ending in the same shape. A service adds a mapper for its own exception types in its own class.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);
    /** RFC 6750 §3: every 401 of a bearer-token resource names the scheme in {@code WWW-Authenticate}. */
    static final String BEARER_CHALLENGE = "Bearer";

    private final Set<String> conflictExceptions;

    public ErrorMappers(ErrorConfig config) {
        this.conflictExceptions = Set.copyOf(config.conflictExceptions());
    }

    @ServerExceptionMapper
    public Response api(ApiException e) {
        Response.ResponseBuilder response = Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE)
            .entity(new ErrorBody(e.status(), e.code(), e.getMessage(), e.details()));
        e.retryAfter().ifPresent(after -> response.header("Retry-After", Math.max(1, (after.toMillis() + 999) / 1000)));
        if (e.status() == 401) {
            response.header("WWW-Authenticate", BEARER_CHALLENGE);
        }
        return response.build();
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return api(JsonProblems.malformed(e));
    }

    @ServerExceptionMapper
    public Response parse(JsonParseException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response mismatch(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response constraints(StreamConstraintsException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return error(401, "unauthorized", "sign in first (a bearer token is required)");
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        // a rejected token: the OIDC bearer mechanism has already put its WWW-Authenticate challenge on the response
        return shaped(401, "unauthorized", "the bearer token is invalid or expired; sign in again").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return error(403, "forbidden", "your account lacks the role this action needs");
    }

    /** JAX-RS's own answers (no such path, wrong method, unreadable body, ...), in our shape. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException jpe) {
                return json(jpe);
            }
            if (cause instanceof ApiException api) {
                return api(api);
            }
        }
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (status >= 500) {
            LOG.error("request failed", e);
            return internalError();
        }
        String code = switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 409 -> "conflict";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            default -> "client_error";
        };
        String message = e.getMessage();
        boolean generic = message == null || message.isBlank() || message.startsWith("HTTP " + status);
        return error(status, code, generic ? defaultMessage(status, code) : cut(message));
    }

    /**
     * Anything else. An {@link ApiException}, a JAX-RS answer or a concurrency conflict wrapped by a reactive pipeline
     * (e.g. in a {@code CompletionException}) is still answered as itself; the rest is our failure: logged, 500.
     */
    @ServerExceptionMapper
    public Response other(RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ApiException api) {
                return api(api);
            }
            if (cause instanceof WebApplicationException web && cause != e) {
                return web(web);
            }
            if (isConflict(cause)) {
                return error(409, "conflict", "the resource was changed concurrently; reload it and try again");
            }
        }
        LOG.error("unexpected failure", e);
        return internalError();
    }

    /** The answer for a failure of ours. */
    public static Response internalError() {
        return error(500, "internal_error", "the service failed (the failure was logged); try again later");
    }

    /** A response in the one error shape without details (a 401 with its bearer challenge). */
    public static Response error(int status, String code, String message) {
        Response.ResponseBuilder response = shaped(status, code, message);
        if (status == 401) {
            response.header("WWW-Authenticate", BEARER_CHALLENGE);
        }
        return response.build();
    }

    private static Response.ResponseBuilder shaped(int status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorBody(status, code, message, List.of()));
    }

    private boolean isConflict(Throwable failure) {
        for (Class<?> type = failure.getClass(); type != null && type != RuntimeException.class; type = type.getSuperclass()) {
            if (conflictExceptions.contains(type.getName())) {
                return true;
            }
        }
        return false;
    }

    private static String defaultMessage(int status, String code) {
        return switch (status) {
            case 401 -> "sign in first (a bearer token is required)";
            case 404 -> "no such resource";
            case 405 -> "this method is not allowed on this resource";
            case 406 -> "the response cannot be given in a type the Accept header allows";
            case 413 -> "the request body is too large";
            case 415 -> "this endpoint does not accept the request's content type";
            default -> code.replace('_', ' ');
        };
    }

    private static String cut(String message) {
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }
}
