package io.mopao.web.gateway;

import io.mopao.web.config.GatewayConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Relays {@code /api/*} to the services: the user's access token from the session goes upstream as
 * {@code Authorization: Bearer}; cookies never leave the gateway. Anonymous requests are relayed without a token (the
 * services decide what anonymous callers may read). State-changing requests must pass the CSRF check.
 */
@ApplicationScoped
public class ApiProxy {

    private static final Logger LOG = Logger.getLogger(ApiProxy.class);

    /** Request headers never relayed upstream (hop-by-hop, credentials of the browser, gateway-only). */
    private static final Set<String> DROP_REQUEST = Set.of("host", "cookie", "authorization", "connection", "keep-alive",
        "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length", "origin",
        "referer", "x-requested-with");
    /** Response headers never relayed to the browser. */
    private static final Set<String> DROP_RESPONSE = Set.of("connection", "keep-alive", "transfer-encoding", "set-cookie",
        "content-length", "trailer", "upgrade");

    /** Largest request body relayed (card imports at character-service are up to 20 MB). */
    private static final long MAX_BODY = 24L * 1024 * 1024;

    private final Routes routes;
    private final Csrf csrf;
    private final GatewayConfig config;
    private final Vertx vertx;
    private HttpClient client;

    public ApiProxy(Routes routes, Csrf csrf, GatewayConfig config, Vertx vertx) {
        this.routes = routes;
        this.csrf = csrf;
        this.config = config;
        this.vertx = vertx;
    }

    void init(@Observes Router router) {
        client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(50).setKeepAlive(true)
            .setConnectTimeout(5000));
        router.route("/api/*").order(9).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));
        router.route("/api/*").order(10).handler(this::relay);
    }

    void relay(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        if (req.headers().contains("Upgrade")) {
            ctx.next();
            return;
        }
        var target = routes.resolve(req.path(), req.query(), false);
        if (target.isEmpty()) {
            Errors.send(ctx, 404, "not_found", "no such API path: " + req.path());
            return;
        }
        String refused = csrf.check(req);
        if (refused != null) {
            Errors.send(ctx, 403, "csrf_failed", refused);
            return;
        }
        String service = target.get().route().service();
        RequestOptions options = new RequestOptions().setMethod(req.method()).setAbsoluteURI(target.get().url())
            .setTimeout(config.requestTimeout().toMillis()).setFollowRedirects(false);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (Map.Entry<String, String> h : req.headers()) {
            if (!DROP_REQUEST.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                headers.add(h.getKey(), h.getValue());
            }
        }
        Identities.accessToken(ctx).ifPresent(token -> headers.set("Authorization", "Bearer " + token));
        headers.set("X-Forwarded-Proto", req.isSSL() ? "https" : "http");
        if (req.remoteAddress() != null) {
            headers.set("X-Forwarded-For", req.remoteAddress().hostAddress());
        }
        options.setHeaders(headers);
        Buffer body = ctx.body().buffer();
        client.request(options)
            .compose(up -> body == null || body.length() == 0 && !hasBody(req) ? up.send() : up.send(body))
            .onSuccess(upstream -> respond(ctx, upstream))
            .onFailure(e -> {
                LOG.warnf("upstream %s failed for %s %s: %s", service, req.method(), req.path(), e.toString());
                Errors.send(ctx, 502, "service_unavailable", service + " is not reachable right now; try again shortly");
            });
    }

    private static boolean hasBody(HttpServerRequest req) {
        return req.headers().contains("Content-Length") || req.headers().contains("Transfer-Encoding");
    }

    private static void respond(RoutingContext ctx, HttpClientResponse upstream) {
        HttpServerResponse res = ctx.response();
        if (res.closed()) {
            upstream.request().reset();
            return;
        }
        res.setStatusCode(upstream.statusCode());
        for (Map.Entry<String, String> h : upstream.headers()) {
            if (!DROP_RESPONSE.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                res.headers().add(h.getKey(), h.getValue());
            }
        }
        if (!res.headers().contains("Cache-Control")) {
            res.putHeader("Cache-Control", "no-store");
        }
        String len = upstream.getHeader("Content-Length");
        if (len != null) {
            res.putHeader("Content-Length", len);
        } else {
            res.setChunked(true);
        }
        upstream.pipeTo(res).onFailure(e -> LOG.debugf("relay of the response body ended early: %s", e.toString()));
    }
}
