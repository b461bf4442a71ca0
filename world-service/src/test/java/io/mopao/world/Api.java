package io.mopao.world;

import static io.restassured.RestAssured.given;

import io.mopao.events.testing.KeycloakTokens;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;

/** Request helpers for the tests: real Keycloak tokens of the demo users. */
final class Api {

    private Api() {
    }

    static RequestSpecification as(String user) {
        RequestSpecification spec = given().contentType(ContentType.JSON);
        return user == null ? spec : spec.auth().oauth2(KeycloakTokens.accessToken(user));
    }

    static String sub(String user) {
        return KeycloakTokens.subject(KeycloakTokens.accessToken(user));
    }

    static Map<String, Object> world(String title, String visibility) {
        return Map.of("title", title, "setting", "An island wrapped in permanent fog. 雾岛终年被雾笼罩。", "rules", "No modern technology.",
            "tone", "quiet, eerie", "contentRating", "teen", "visibility", visibility,
            "locations", List.of(Map.of("name", "Lighthouse", "description", "A tall white tower.")),
            "castCharacterIds", List.of("char-1"),
            "openingScenes", List.of(Map.of("id", "s1", "title", "Arrival", "text", "You step off the ferry.",
                "locationName", "Lighthouse")),
            "tags", List.of("Mystery", "悬疑"));
    }

    static String createWorld(String user, String title, String visibility) {
        return as(user).body(world(title, visibility)).post("/api/worlds").then().statusCode(201).extract().path("id");
    }
}
