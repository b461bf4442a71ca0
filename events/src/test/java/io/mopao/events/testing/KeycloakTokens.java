package io.mopao.events.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real access tokens from the running Keycloak (realm {@code mopao}, started by {@code ./mopao infra up}) through the
 * password grant of the public {@code mopao-web} client. Demo users: alice, bob, carol, mod, admin (password
 * {@code <name>-pw}). Tokens are cached per user for a minute (they live five).
 */
public final class KeycloakTokens {

    public static final String REALM_URL = System.getProperty("mopao.keycloak.realm-url",
        System.getenv().getOrDefault("MOPAO_KEYCLOAK_REALM_URL", "http://127.0.0.1:8180/realms/mopao"));

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, CachedToken> CACHE = new ConcurrentHashMap<>();

    private record CachedToken(String token, long fetchedAtNanos) {
    }

    private KeycloakTokens() {
    }

    /** An access token of a demo user (password {@code <user>-pw}). */
    public static String accessToken(String user) {
        CachedToken cached = CACHE.get(user);
        if (cached != null && System.nanoTime() - cached.fetchedAtNanos() < Duration.ofMinutes(1).toNanos()) {
            return cached.token();
        }
        String token = passwordGrant(user, user + "-pw");
        CACHE.put(user, new CachedToken(token, System.nanoTime()));
        return token;
    }

    /** A fresh access token for any user and password. */
    public static String passwordGrant(String user, String password) {
        String form = "grant_type=password&client_id=mopao-web&scope=openid&username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
            + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(REALM_URL + "/protocol/openid-connect/token"))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Keycloak refused a token for " + user + ": HTTP " + response.statusCode() + " "
                    + response.body());
            }
            JsonNode body = JSON.readTree(response.body());
            return body.get("access_token").asText();
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak is not reachable at " + REALM_URL + " (run ./mopao infra up): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching a token", e);
        }
    }

    /** The subject ({@code sub}) of a token, read from its payload. */
    public static String subject(String token) {
        try {
            String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
            return JSON.readTree(payload).get("sub").asText();
        } catch (IOException e) {
            throw new IllegalStateException("not a JWT", e);
        }
    }
}
