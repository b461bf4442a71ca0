package io.mopao.runtime.openai;

import io.mopao.runtime.config.RuntimeConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authorisation of the OpenAI endpoints: when {@code mopao.runtime.http.api-key} is set, every {@code /v1} call needs
 * {@code Authorization: Bearer <key>} (OpenAI clients send it); unset, the API is open (local and in-cluster use behind
 * the NetworkPolicy that admits only Mopao's services).
 */
public class ApiKeyFilter {
    private final Optional<String> key;

    public ApiKeyFilter(RuntimeConfig config) {
        this.key = config.http().apiKey().filter(k -> !k.isBlank());
    }

    @ServerRequestFilter
    public Optional<Response> check(ContainerRequestContext ctx) {
        if (key.isEmpty() || !ctx.getUriInfo().getPath().startsWith("/v1")) {
            return Optional.empty();
        }
        String auth = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
        String given = auth != null && auth.startsWith("Bearer ") ? auth.substring(7).trim() : "";
        if (MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), key.get().getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return Optional.of(OpenAiErrors.response(401, "invalid_request_error", null, "invalid_api_key",
            auth == null ? "You didn't provide an API key: send it as 'Authorization: Bearer <key>'." : "Incorrect API key provided."));
    }
}
