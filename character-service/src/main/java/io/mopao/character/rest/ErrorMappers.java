package io.mopao.character.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.mopao.character.card.CardJson;
import io.mopao.character.service.ApiException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps every failure to {@link ErrorBody}; callers' mistakes are 4xx with a useful message, never a stack trace. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public RestResponse<ErrorBody> api(ApiException e) {
        return body(e.status(), e.code(), e.getMessage(), e.details());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> constraints(StreamConstraintsException e) {
        return body(400, "malformed_json", "the JSON body is too deeply nested or too large: " + e.getOriginalMessage(), List.of());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> mismatched(MismatchedInputException e) {
        String path = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .reduce((a, b) -> a + "." + b).orElse("body");
        return body(400, "malformed_json", "the JSON body does not fit: " + path + " has the wrong type", List.of(path));
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> json(JsonProcessingException e) {
        return body(400, "malformed_json", "the body is not valid JSON: " + CardJson.describe(e), List.of());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> web(WebApplicationException e) {
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof StreamConstraintsException sce) {
                return constraints(sce);
            }
            if (cause instanceof MismatchedInputException mie) {
                return mismatched(mie);
            }
            if (cause instanceof JsonProcessingException jpe) {
                return json(jpe);
            }
        }
        Response r = e.getResponse();
        int status = r == null ? 500 : r.getStatus();
        if (status >= 500) {
            LOG.error("request failed", e);
            return body(status, "internal_error", "the service failed; try again later", List.of());
        }
        String code = switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            default -> "client_error";
        };
        return body(status, code, e.getMessage() == null ? code.replace('_', ' ') : e.getMessage(), List.of());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> other(RuntimeException e) {
        LOG.error("request failed", e);
        return body(500, "internal_error", "the service failed; try again later", List.of());
    }

    static RestResponse<ErrorBody> body(int status, String code, String message, List<String> details) {
        return RestResponse.ResponseBuilder.<ErrorBody>create(status).entity(new ErrorBody(status, code, message, details))
            .type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
