package io.mopao.web.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes the project's one JSON error shape ({@code {status, code, message, details}}). */
final class Errors {

    private Errors() {
    }

    static void send(RoutingContext ctx, int status, String code, String message) {
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        String body = new JsonObject().put("status", status).put("code", code).put("message", message)
            .put("details", new JsonArray()).encode();
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
            .end(body);
    }
}
