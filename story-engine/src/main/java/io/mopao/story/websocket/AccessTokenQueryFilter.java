package io.mopao.story.websocket;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Browsers cannot set headers on a WebSocket or EventSource: for the stream endpoints only, a bearer token in the
 * {@code access_token} query parameter is moved into the Authorization header before authentication.
 */
@ApplicationScoped
public class AccessTokenQueryFilter {

    void register(@Observes Filters filters) {
        filters.register(AccessTokenQueryFilter::copyQueryToken, 10_000);
    }

    static void copyQueryToken(RoutingContext context) {
        String path = context.normalizedPath();
        if (StreamPaths.isStream(path) && context.request().getHeader("Authorization") == null) {
            String token = context.request().getParam("access_token");
            if (token != null && !token.isBlank()) {
                context.request().headers().set("Authorization", "Bearer " + token);
            }
        }
        context.next();
    }
}
