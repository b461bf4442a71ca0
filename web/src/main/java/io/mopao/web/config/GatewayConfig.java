package io.mopao.web.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/** The gateway's routing table and browser-facing security settings. */
@ConfigMapping(prefix = "mopao.gateway")
public interface GatewayConfig {

    /** Routes by name; a request goes to the route with the longest matching prefix. */
    Map<String, Route> routes();

    /** How long the gateway waits for an upstream service's response headers. */
    @WithDefault("60s")
    Duration requestTimeout();

    /** Name of the double-submit CSRF cookie (readable by the web app, SameSite=Strict). */
    @WithDefault("mopao-csrf")
    String csrfCookie();

    /** Header in which the web app echoes the CSRF cookie on state-changing requests. */
    @WithDefault("X-CSRF-Token")
    String csrfHeader();

    /** Content-Security-Policy sent with every response. */
    @WithDefault("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self' http://127.0.0.1:8180; "
        + "frame-ancestors 'none'")
    String contentSecurityPolicy();

    /** One upstream route. */
    interface Route {
        /** Path prefix as the browser sends it, e.g. {@code /api/characters}. */
        String prefix();

        /** What the prefix is replaced with, e.g. {@code http://127.0.0.1:8081/characters} (ws:// for WebSocket routes). */
        String upstream();

        /** Human name of the upstream service, used in error messages. */
        @WithDefault("the service")
        String service();

        /** Whether this route relays WebSocket upgrades instead of HTTP requests. */
        @WithDefault("false")
        boolean websocket();
    }
}
