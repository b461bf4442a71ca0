package io.mopao.web.gateway;

import io.mopao.web.config.GatewayConfig;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Security headers on every response, and the CSRF cookie for every browser. */
@ApplicationScoped
public class SecurityHeaders {

    private final GatewayConfig config;
    private final Csrf csrf;

    public SecurityHeaders(GatewayConfig config, Csrf csrf) {
        this.config = config;
        this.csrf = csrf;
    }

    void register(@Observes Filters filters) {
        filters.register(ctx -> {
            MultiMap h = ctx.response().headers();
            h.set("Content-Security-Policy", config.contentSecurityPolicy());
            h.set("X-Frame-Options", "DENY");
            h.set("X-Content-Type-Options", "nosniff");
            h.set("Referrer-Policy", "same-origin");
            h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
            h.set("Cross-Origin-Opener-Policy", "same-origin");
            if (ctx.request().isSSL() || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"))) {
                h.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
            }
            csrf.issue(ctx);
            ctx.next();
        }, 100);
    }
}
