package io.mopao.runtime.openai;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps every failure of the HTTP API to OpenAI's error shape; no stack traces or class names reach the client. */
public class OpenAiErrors {
    private static final Logger LOG = Logger.getLogger(OpenAiErrors.class);

    /**
     * @param status  HTTP status
     * @param type    OpenAI error type
     * @param param   the field at fault, or null
     * @param code    a machine-readable code, or null
     * @param message the message
     * @return the body
     */
    public static ObjectNode body(int status, String type, String param, String code, String message) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return root;
    }

    static Response response(int status, String type, String param, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body(status, type, param, code, message)).build();
    }

    @ServerExceptionMapper
    public Response openAi(OpenAiException e) {
        return response(e.status(), e.type(), e.param(), e.code(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String message = switch (status) {
            case 404 -> "Unknown request URL. Please check the URL for typos.";
            case 405 -> "Method not allowed for this URL.";
            case 415 -> "Unsupported media type: send the request body as application/json.";
            case 401 -> "Incorrect API key provided.";
            default -> e.getMessage() == null ? "request failed" : e.getMessage();
        };
        String type = status == 401 ? "authentication_error" : status >= 500 ? "server_error" : "invalid_request_error";
        return response(status, type, null, status == 404 ? "unknown_url" : null, message);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("unexpected failure of an HTTP request", e);
        return response(500, "server_error", null, null, "The server had an error while processing your request.");
    }
}
