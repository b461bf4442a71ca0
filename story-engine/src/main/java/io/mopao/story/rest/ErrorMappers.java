package io.mopao.story.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.mopao.story.service.ApiException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps failures to the one JSON error shape; no stack traces or class names reach clients. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        Response.ResponseBuilder response = Response.status(e.status()).type(MediaType.APPLICATION_JSON)
            .entity(new ErrorBody(e.status(), e.code(), e.getMessage(), e.details()));
        if (e.retryAfter() != null) {
            response.header("Retry-After", Math.max(1, (e.retryAfter().toMillis() + 999) / 1000));
        }
        return response.build();
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return body(400, "malformed_json", "the request body is not valid JSON for this endpoint: " + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            default -> "error";
        };
        return body(status, code, status == 404 ? "not found" : e.getMessage() == null ? code : e.getMessage());
    }

    @ServerExceptionMapper
    public Response illegalArgument(IllegalArgumentException e) {
        return body(400, "validation_failed", e.getMessage());
    }

    @ServerExceptionMapper(priority = 6000)
    public Response unexpected(RuntimeException e) {
        if (e instanceof WebApplicationException || e instanceof ApiException) {
            throw e;
        }
        LOG.error("unexpected failure", e);
        return body(500, "internal_error", "something went wrong on our side");
    }

    static Response body(int status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ErrorBody(status, code, message, List.of())).build();
    }
}
