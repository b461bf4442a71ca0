package io.mopao.character.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mopao.character.Api;
import io.mopao.events.testing.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tokens from the running Keycloak are accepted; a token whose signature is not Keycloak's, and an expired token, are
 * rejected with 401 (on an endpoint that needs sign-in, and even on open reads: a bad token is never "anonymous"), with
 * the RFC 6750 challenge in {@code WWW-Authenticate}.
 */
@QuarkusTest
class TokenValidationTest {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder D64 = Base64.getUrlDecoder();

    @Test
    void acceptsATokenFromTheRunningKeycloak() {
        String token = KeycloakTokens.accessToken("alice");
        given().auth().oauth2(token).queryParam("mine", true).get("/characters").then().statusCode(200);
    }

    @Test
    void rejectsATokenWithATamperedSignature() {
        String[] parts = KeycloakTokens.accessToken("bob").split("\\.");
        byte[] signature = D64.decode(parts[2]);
        signature[signature.length / 2] ^= 0x01;
        String forged = parts[0] + "." + parts[1] + "." + B64.encodeToString(signature);
        List<String> challenge = given().auth().oauth2(forged).queryParam("mine", true).get("/characters").then().statusCode(401)
            .body("code", equalTo("unauthorized")).extract().headers().getValues("WWW-Authenticate");
        assertEquals(List.of("Bearer"), challenge, "one bearer challenge (RFC 6750 §3)");
        given().auth().oauth2(forged).get("/characters").then().statusCode(401).header("WWW-Authenticate", equalTo("Bearer"));
    }

    /** RFC 6750 §3: a 401 names the bearer scheme, also when no token was sent (the check is then the service's own). */
    @Test
    void aMissingTokenIsChallengedForABearerToken() {
        List<String> challenge = given().contentType("application/json").body(Api.character("Nobody", "public").toString())
            .post("/characters").then().statusCode(401).body("code", equalTo("unauthorized")).extract().headers()
            .getValues("WWW-Authenticate");
        assertEquals(List.of("Bearer"), challenge, "one bearer challenge (RFC 6750 §3)");
    }

    @Test
    void rejectsATokenSignedWithAnotherKeyClaimingMoreRoles() throws Exception {
        String[] parts = KeycloakTokens.accessToken("alice").split("\\.");
        ObjectNode payload = (ObjectNode) Api.JSON.readTree(D64.decode(parts[1]));
        payload.putObject("realm_access").putArray("roles").add("admin").add("creator");
        String signingInput = parts[0] + "." + B64.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initSign(generator.generateKeyPair().getPrivate());
        rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        String forged = signingInput + "." + B64.encodeToString(rs256.sign());
        given().auth().oauth2(forged).contentType("application/json").body(Api.character("Forged", "public").toString())
            .post("/characters").then().statusCode(401);
    }

    /**
     * Keycloak signs a real token that lives one second: a temporary public client with a one-second access token
     * lifespan is created through the admin API for this test and removed afterwards.
     */
    @Test
    void rejectsAnExpiredToken() throws Exception {
        String clientId = Api.unique("character-service-expiry-test");
        String admin = adminToken();
        String realmAdmin = KeycloakTokens.REALM_URL.replace("/realms/", "/admin/realms/");
        String client = "{\"clientId\":\"" + clientId + "\",\"publicClient\":true,\"directAccessGrantsEnabled\":true,"
            + "\"standardFlowEnabled\":false,\"attributes\":{\"access.token.lifespan\":\"1\"}}";
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(realmAdmin + "/clients"))
            .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(client)).build());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("could not create the test client: " + created.statusCode() + " " + created.body());
        }
        String location = created.headers().firstValue("Location").orElseThrow();
        try {
            String token = passwordGrant(clientId, "alice", "alice-pw");
            long exp = Api.JSON.readTree(D64.decode(token.split("\\.")[1])).get("exp").asLong();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> Instant.now().getEpochSecond() > exp + 1);
            given().auth().oauth2(token).queryParam("mine", true).get("/characters").then().statusCode(401);
        } finally {
            send(HttpRequest.newBuilder(URI.create(location)).header("Authorization", "Bearer " + admin).DELETE().build());
        }
        given().auth().oauth2(KeycloakTokens.accessToken("alice")).queryParam("mine", true).get("/characters").then()
            .statusCode(200).body("page", equalTo(0));
    }

    private static String adminToken() throws Exception {
        String base = KeycloakTokens.REALM_URL.substring(0, KeycloakTokens.REALM_URL.indexOf("/realms/"));
        String form = "grant_type=password&client_id=admin-cli&username=admin&password=admin";
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/realms/master/protocol/openid-connect/token"))
            .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build());
        return Api.JSON.readTree(r.body()).get("access_token").asText();
    }

    private static String passwordGrant(String clientId, String user, String password) throws Exception {
        String form = "grant_type=password&client_id=" + clientId + "&username=" + user + "&password=" + password;
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(KeycloakTokens.REALM_URL + "/protocol/openid-connect/token"))
            .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("token request failed: " + r.statusCode() + " " + r.body());
        }
        return Api.JSON.readTree(r.body()).get("access_token").asText();
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
