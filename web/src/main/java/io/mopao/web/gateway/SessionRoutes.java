package io.mopao.web.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.TreeSet;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Gateway-local endpoints: {@code /auth/me} (who is signed in; never a token) and {@code /login} (protected by the OIDC
 * code flow in application.properties; after sign-in it sends the browser back into the app). {@code /logout} is
 * quarkus-oidc's RP-initiated logout.
 */
@ApplicationScoped
public class SessionRoutes {

    void init(@Observes Router router) {
        router.get("/auth/me").order(1).handler(this::me);
        router.get("/login").order(1).handler(ctx -> ctx.response().setStatusCode(303).putHeader("Location", "/#/signed-in").end());
    }

    void me(RoutingContext ctx) {
        JsonObject body = new JsonObject().put("authenticated", false);
        Identities.of(ctx).ifPresent(id -> {
            body.put("authenticated", true).put("roles", new JsonArray(new TreeSet<>(id.getRoles()).stream().toList()));
            if (id.getPrincipal() instanceof JsonWebToken jwt) {
                body.put("id", jwt.getSubject()).put("name", jwt.<Object>getClaim("preferred_username"));
            } else {
                body.put("name", id.getPrincipal().getName());
            }
        });
        ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store").end(body.encode());
    }
}
