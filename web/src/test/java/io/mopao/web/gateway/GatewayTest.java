package io.mopao.web.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URL;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(StubUpstream.class)
class GatewayTest {

    @TestHTTPResource("/")
    URL root;

    private static String csrfCookie() {
        return given().get("/auth/me").then().statusCode(200).extract().cookie("mopao-csrf");
    }

    @Test
    void servesTheWebAppWithSecurityHeadersAndACsrfCookie() {
        given().get("/").then().statusCode(200)
            .body(containsString("/app/main.js"))
            .header("Content-Security-Policy", containsString("default-src 'self'"))
            .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
            .header("X-Frame-Options", "DENY")
            .header("X-Content-Type-Options", "nosniff")
            .header("Referrer-Policy", "same-origin")
            .header("Strict-Transport-Security", nullValue())
            .cookie("mopao-csrf", notNullValue());
    }

    @Test
    void sendsHstsWhenTheBrowserCameOverTls() {
        given().header("X-Forwarded-Proto", "https").get("/").then().statusCode(200)
            .header("Strict-Transport-Security", startsWith("max-age="));
    }

    @Test
    void tellsTheAppWhenNobodyIsSignedIn() {
        given().get("/auth/me").then().statusCode(200).body("authenticated", equalTo(false));
    }

    @Test
    void signInStartsTheCodeFlowWithPkce() {
        given().redirects().follow(false).get("/login").then().statusCode(302)
            .header("Location", startsWith("http://127.0.0.1:8180/realms/mopao/protocol/openid-connect/auth"))
            .header("Location", containsString("client_id=mopao-web"))
            .header("Location", containsString("code_challenge_method=S256"));
    }

    @Test
    void scriptRequestsGet499InsteadOfARedirectSoTheAppCanSignInAndComeBack() {
        given().redirects().follow(false).header("X-Requested-With", "JavaScript").get("/login").then().statusCode(499);
    }

    @Test
    void relaysAnonymousReadsWithoutCookiesOrBrowserCredentials() {
        Response r = given().urlEncodingEnabled(false).cookie("mopao-csrf", "abc").cookie("other", "secret")
            .header("Authorization", "Bearer forged")
            .header("Accept-Language", "zh-CN").header("If-Match", "\"3\"")
            .get("/api/stub/items/7?q=%E4%BD%A0%E5%A5%BD&page=1");
        r.then().statusCode(200)
            .header("X-Upstream", "yes")
            .header("Set-Cookie", nullValue())
            .body("method", equalTo("GET"))
            .body("uri", equalTo("/stub/items/7?q=%E4%BD%A0%E5%A5%BD&page=1"))
            .body("headers.cookie", nullValue())
            .body("headers.authorization", nullValue())
            .body("headers.accept-language", equalTo("zh-CN"))
            .body("headers.if-match", equalTo("\"3\""));
    }

    @Test
    void relaysUpstreamErrorsAsTheyAre() {
        given().get("/api/stub/missing").then().statusCode(404).body("uri", equalTo("/stub/missing"));
    }

    @Test
    void refusesStateChangesWithoutTheCsrfToken() {
        String token = csrfCookie();
        given().cookie("mopao-csrf", token).contentType("application/json").body("{}").post("/api/stub/items")
            .then().statusCode(403).body("code", equalTo("csrf_failed")).body("status", equalTo(403));
        given().cookie("mopao-csrf", token).header("X-CSRF-Token", "wrong").contentType("application/json").body("{}")
            .post("/api/stub/items").then().statusCode(403).body("code", equalTo("csrf_failed"));
    }

    @Test
    void relaysStateChangesWithTheCsrfTokenAndTheirBody() {
        String token = csrfCookie();
        String body = "{\"name\":\"林晓 🐦 שלום\"}";
        given().cookie("mopao-csrf", token).header("X-CSRF-Token", token).contentType("application/json; charset=utf-8").body(body)
            .post("/api/stub/items").then().statusCode(200)
            .body("method", equalTo("POST")).body("body", equalTo(body)).body("headers.x-requested-with", nullValue());
    }

    @Test
    void refusesCrossOriginRequests() {
        given().header("Origin", "http://evil.example").get("/api/stub/items").then().statusCode(403)
            .body("code", equalTo("csrf_failed"));
    }

    @Test
    void neverRelaysAPathThatCouldLeaveItsRoute() {
        // the service behind decodes %2e%2e and normalises it: /api/stub/%2e%2e/q/metrics would reach its /q/metrics
        for (String path : List.of("/api/stub/%2e%2e/q/metrics", "/api/stub/%2E%2E/q/metrics", "/api/stub/.%2e/q/health",
            "/api/stub/items%2f..%2fq", "/api/stub/items%5c..%5cq")) {
            given().urlEncodingEnabled(false).get(path).then().statusCode(404).header("X-Upstream", nullValue())
                .body("code", equalTo("not_found"));
        }
        given().urlEncodingEnabled(false).get("/api/stub/items/j.doe").then().statusCode(200).header("X-Upstream", "yes");
    }

    @Test
    void answersUnknownApiPathsWithTheJsonErrorShape() {
        given().get("/api/nothing-here").then().statusCode(404).body("code", equalTo("not_found"))
            .body("message", containsString("/api/nothing-here"));
        given().get("/api/stubX").then().statusCode(404).body("code", equalTo("not_found"));
    }

    @Test
    void saysWhichServiceIsDownInsteadOfHanging() {
        given().get("/api/down/anything").then().statusCode(502).body("code", equalTo("service_unavailable"))
            .body("message", containsString("down-service"));
    }

    @Test
    void refusesAnonymousWebSocketsAndCrossOriginOnes() {
        given().header("Connection", "Upgrade").header("Upgrade", "websocket").header("Sec-WebSocket-Version", "13")
            .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").get("/ws-stub/x").then().statusCode(401)
            .body("code", equalTo("unauthorized"));
        given().header("Connection", "Upgrade").header("Upgrade", "websocket").header("Sec-WebSocket-Version", "13")
            .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").header("Origin", "http://evil.example").get("/ws-stub/x")
            .then().statusCode(403);
    }

    @Test
    void anonymousWebSocketNeverReachesTheService() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            var options = new WebSocketConnectOptions().setHost(root.getHost()).setPort(root.getPort()).setURI("/ws-stub/x");
            Throwable failure = vertx.createWebSocketClient().connect(options).toCompletionStage().toCompletableFuture()
                .handle((ws, e) -> e).get(10, TimeUnit.SECONDS);
            assertEquals(true, failure != null && failure.getMessage().contains("401"), "expected a 401 refusal, got " + failure);
        } finally {
            vertx.close();
        }
    }
}
