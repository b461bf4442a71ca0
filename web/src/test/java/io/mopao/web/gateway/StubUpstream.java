package io.mopao.web.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the services behind the gateway: HTTP requests are answered with what arrived (method, path, headers,
 * body) and a Set-Cookie the gateway must drop; WebSocket frames are echoed back. Routes {@code /api/stub} (HTTP),
 * {@code /ws-stub} (WebSocket) and {@code /api/down} (a closed port) are added to the gateway's configuration.
 */
public class StubUpstream implements QuarkusTestResourceLifecycleManager {

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().webSocketHandler(ws -> {
            String auth = ws.headers().get("Authorization");
            ws.textMessageHandler(t -> ws.writeTextMessage("echo:" + t + ":" + (auth == null ? "none" : auth.split(" ")[0])));
        }).requestHandler(req -> req.body().onSuccess(body -> {
            JsonObject headers = new JsonObject();
            req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
            req.response().putHeader("Content-Type", "application/json").putHeader("Set-Cookie", "upstream=1")
                .putHeader("X-Upstream", "yes").setStatusCode("/stub/missing".equals(req.path()) ? 404 : 200)
                .end(new JsonObject().put("method", req.method().name()).put("uri", req.uri()).put("headers", headers)
                    .put("body", body.toString()).encode());
        }));
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("stub upstream did not start", e);
        }
        int port = server.actualPort();
        return Map.of(
            "mopao.gateway.routes.stub.prefix", "/api/stub",
            "mopao.gateway.routes.stub.upstream", "http://127.0.0.1:" + port + "/stub",
            "mopao.gateway.routes.stub.service", "stub-service",
            "mopao.gateway.routes.down.prefix", "/api/down",
            "mopao.gateway.routes.down.upstream", "http://127.0.0.1:1/down",
            "mopao.gateway.routes.down.service", "down-service",
            "mopao.gateway.routes.stub-ws.prefix", "/ws-stub",
            "mopao.gateway.routes.stub-ws.upstream", "ws://127.0.0.1:" + port + "/ws",
            "mopao.gateway.routes.stub-ws.websocket", "true");
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }
}
