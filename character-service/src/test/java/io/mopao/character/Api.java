package io.mopao.character;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mopao.events.testing.KeycloakTokens;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Test helpers: authenticated requests with real Keycloak tokens and character bodies. */
public final class Api {

    public static final ObjectMapper JSON = new ObjectMapper();

    private Api() {
    }

    /** A request as a demo user; null user means anonymous. */
    public static RequestSpecification as(String user) {
        RequestSpecification spec = given();
        if (user != null) {
            spec = spec.auth().oauth2(KeycloakTokens.accessToken(user));
        }
        return spec;
    }

    public static String subject(String user) {
        return KeycloakTokens.subject(KeycloakTokens.accessToken(user));
    }

    /** A character body with a unique marker in its name so tests do not see each other's data. */
    public static ObjectNode character(String name, String visibility) {
        ObjectNode c = JSON.createObjectNode();
        c.put("name", name);
        c.put("description", "A lighthouse keeper on 雾岛 who speaks in riddles.");
        c.put("personality", "calm, curious");
        c.put("scenario", "A foggy island.");
        c.put("firstMessage", "*The lamp flickers.* Who comes at this hour?");
        c.putArray("alternateGreetings").add("Ah, a visitor!");
        c.put("exampleMessages", "<START>\n{{user}}: Hi\n{{char}}: The fog hears you.");
        c.putArray("tags").add("mystery").add("悬疑");
        c.put("creator", "bob");
        c.put("visibility", visibility);
        c.put("contentRating", "general");
        c.putObject("extensions").put("talkativeness", "0.6").putObject("unknown_tool").put("keep", 1);
        return c;
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a character as {@code user}; returns its id. */
    public static String create(String user, ObjectNode body) {
        return as(user).contentType("application/json").body(body.toString()).post("/characters")
            .then().statusCode(201).extract().path("id");
    }

    public static Response get(String user, String id) {
        return as(user).get("/characters/" + id);
    }

    public static long version(String user, String id) {
        return get(user, id).then().statusCode(200).extract().<Number>path("version").longValue();
    }

    /** Total of the user's own characters (to check that a failed request stored nothing). */
    public static long mineTotal(String user) {
        return as(user).queryParam("mine", true).queryParam("size", 1).get("/characters")
            .then().statusCode(200).extract().<Number>path("total").longValue();
    }

    public static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public static List<String> names(Response listResponse) {
        return listResponse.then().statusCode(200).extract().jsonPath().getList("items.name");
    }
}
