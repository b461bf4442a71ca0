package io.mopao.web.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Relays the story WebSocket: the browser connects to the gateway (same origin, session cookie), the gateway connects
 * to story-engine with the user's bearer token and copies frames both ways. Cross-origin upgrades are refused
 * (cross-site WebSocket hijacking); anonymous ones get 401.
 */
@ApplicationScoped
public class WebSocketProxy {

    private static final Logger LOG = Logger.getLogger(WebSocketProxy.class);

    private final Routes routes;
    private final Vertx vertx;
    private WebSocketClient client;

    public WebSocketProxy(Routes routes, Vertx vertx) {
        this.routes = routes;
        this.vertx = vertx;
    }

    void init(@Observes Router router) {
        client = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(5000).setMaxMessageSize(1 << 20));
        router.route().order(5).handler(this::upgrade);
    }

    void upgrade(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
            ctx.next();
            return;
        }
        var target = routes.resolve(req.path(), req.query(), true);
        if (target.isEmpty()) {
            ctx.next();
            return;
        }
        if (!Csrf.sameOrigin(req)) {
            Errors.send(ctx, 403, "cross_origin", "cross-origin WebSocket refused");
            return;
        }
        var token = Identities.accessToken(ctx);
        if (token.isEmpty()) {
            Errors.send(ctx, 401, "unauthorized", "sign in to play");
            return;
        }
        String service = target.get().route().service();
        WebSocketConnectOptions options = new WebSocketConnectOptions().setAbsoluteURI(target.get().url())
            .addHeader("Authorization", "Bearer " + token.get());
        String lang = req.getHeader("Accept-Language");
        if (lang != null) {
            options.addHeader("Accept-Language", lang);
        }
        req.toWebSocket().onFailure(e -> LOG.debugf("upgrade failed: %s", e.toString())).onSuccess(down -> {
            down.pause();
            client.connect(options).onSuccess(up -> pipe(down, up)).onFailure(e -> {
                LOG.warnf("WebSocket to %s failed: %s", service, e.toString());
                down.close((short) 1011, service + " is not reachable right now");
            });
        });
    }

    private static void pipe(ServerWebSocket down, WebSocket up) {
        down.textMessageHandler(t -> {
            if (!up.isClosed()) {
                up.writeTextMessage(t);
            }
        });
        down.binaryMessageHandler(b -> {
            if (!up.isClosed()) {
                up.writeBinaryMessage(b);
            }
        });
        up.textMessageHandler(t -> {
            if (!down.isClosed()) {
                down.writeTextMessage(t);
            }
        });
        up.binaryMessageHandler(b -> {
            if (!down.isClosed()) {
                down.writeBinaryMessage(b);
            }
        });
        down.closeHandler(v -> {
            if (!up.isClosed()) {
                up.close();
            }
        });
        up.closeHandler(v -> {
            if (!down.isClosed()) {
                Short code = up.closeStatusCode();
                down.close(code == null ? (short) 1000 : code, up.closeReason());
            }
        });
        down.exceptionHandler(e -> up.close());
        up.exceptionHandler(e -> down.close((short) 1011, "upstream error"));
        down.resume();
    }
}
