package io.mopao.story.websocket;

import io.mopao.service.error.ErrorBody;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Refuses, with 400 and the JSON error shape, a stream upgrade that puts a token in {@code Sec-WebSocket-Protocol}
 * ({@code quarkus-http-upgrade#Authorization#Bearer …}, URL-encoded or not) without offering the {@code bearer-token-carrier} subprotocol
 * next to it. Quarkus moves such a token into the Authorization header ({@code propagate-subprotocol-headers}) but then
 * has no subprotocol to answer with and fails the upgrade with a 500; this is the caller's mistake, so it is answered as
 * one before Quarkus sees it. Runs ahead of authentication (a high-priority filter): it reads one header, nothing else.
 */
@ApplicationScoped
public class SubprotocolCarrierCheck {
    /** The subprotocol a client offers next to the token, and the one the server answers with. */
    public static final String CARRIER = "bearer-token-carrier";
    private static final String TOKEN_PROTOCOL_PREFIX = "quarkus-http-upgrade#";

    void init(@Observes Filters filters) {
        // a filter, not a route: Quarkus reads the subprotocol header in its own filters, ahead of every route
        filters.register(this::check, 10_000);
    }

    void check(RoutingContext ctx) {
        if (!StreamPaths.isSocket(ctx.normalizedPath())) {
            ctx.next();
            return;
        }
        List<String> offered = ctx.request().headers().getAll("Sec-WebSocket-Protocol").stream()
            .flatMap(h -> Arrays.stream(h.split(","))).map(p -> URLDecoder.decode(p.trim(), StandardCharsets.UTF_8)).toList();
        boolean token = offered.stream().anyMatch(p -> p.startsWith(TOKEN_PROTOCOL_PREFIX));
        if (token && !offered.contains(CARRIER)) {
            ErrorBody body = new ErrorBody(400, "invalid_subprotocol", "a token in Sec-WebSocket-Protocol must come with the '"
                + CARRIER + "' subprotocol (offer both: " + CARRIER + ", " + TOKEN_PROTOCOL_PREFIX + "Authorization#Bearer%20<token>)",
                List.of());
            ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json").end(Json.encode(body));
            return;
        }
        ctx.next();
    }
}
