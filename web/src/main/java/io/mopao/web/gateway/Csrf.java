package io.mopao.web.gateway;

import io.mopao.web.config.GatewayConfig;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * CSRF protection for the proxied API: a double-submit token (cookie readable by the web app, echoed in a header on
 * every state-changing request) plus an Origin check. The session cookie is also SameSite=Lax.
 */
@ApplicationScoped
public class Csrf {

    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final GatewayConfig config;

    public Csrf(GatewayConfig config) {
        this.config = config;
    }

    /** Sets the CSRF cookie when the browser does not have one yet. */
    void issue(RoutingContext ctx) {
        if (ctx.request().getCookie(config.csrfCookie()) == null) {
            byte[] b = new byte[32];
            RANDOM.nextBytes(b);
            ctx.response().addCookie(Cookie.cookie(config.csrfCookie(), Base64.getUrlEncoder().withoutPadding().encodeToString(b))
                .setPath("/").setSameSite(CookieSameSite.STRICT).setHttpOnly(false).setSecure(ctx.request().isSSL()));
        }
    }

    /** Null when the request may pass, else the reason it is refused. */
    String check(HttpServerRequest request) {
        if (!sameOrigin(request)) {
            return "cross-origin request refused";
        }
        if (SAFE.contains(request.method())) {
            return null;
        }
        Cookie cookie = request.getCookie(config.csrfCookie());
        String header = request.getHeader(config.csrfHeader());
        if (cookie == null || header == null || header.isEmpty()
            || !MessageDigest.isEqual(cookie.getValue().getBytes(StandardCharsets.UTF_8), header.getBytes(StandardCharsets.UTF_8))) {
            return "missing or wrong CSRF token; reload the page and try again";
        }
        return null;
    }

    /** True when there is no Origin header (same-origin GETs, non-browser clients) or it names this host. */
    static boolean sameOrigin(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        String host = request.getHeader("Host");
        try {
            URI u = URI.create(origin);
            String hostPort = u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort());
            return host != null && host.equalsIgnoreCase(hostPort);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
