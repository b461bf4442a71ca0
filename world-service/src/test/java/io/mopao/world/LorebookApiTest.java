package io.mopao.world;

import static io.mopao.world.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class LorebookApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static byte[] resource(String name) throws IOException {
        try (InputStream in = LorebookApiTest.class.getResourceAsStream("/worldinfo/" + name)) {
            return in.readAllBytes();
        }
    }

    static Map<String, Object> entry(int uid, String key, String content) {
        Map<String, Object> e = new HashMap<>();
        e.put("uid", uid);
        e.put("keys", List.of(key));
        e.put("content", content);
        return e;
    }

    static Map<String, Object> book(String name, List<Map<String, Object>> entries) {
        Map<String, Object> b = new HashMap<>();
        b.put("name", name);
        b.put("entries", entries);
        return b;
    }

    static long count(String user) {
        return as(user).get("/api/lorebooks/mine").then().statusCode(200).extract().<List<Object>>path("$").size();
    }

    @Test
    void creatorCreatesAttachesUpdatesAndDeletesALorebook() {
        String world = Api.createWorld("bob", "Lore world " + UUID.randomUUID(), "public");
        Map<String, Object> b = book("Fog lore", List.of(entry(0, "lighthouse", "Dark for ten years.")));
        b.put("worldIds", List.of(world));
        b.put("characterIds", List.of("char-1"));
        String id = as("bob").body(b).post("/api/lorebooks").then().statusCode(201)
            .body("entries[0].selectiveLogic", equalTo("AND_ANY"))
            .body("entries[0].position", equalTo("BEFORE_CHARACTER"))
            .body("entries[0].insertionOrder", equalTo(100))
            .body("entries[0].probability", equalTo(100))
            .body("entries[0].enabled", equalTo(true))
            .body("worldIds", equalTo(List.of(world)))
            .extract().path("id");
        as(null).get("/api/worlds/" + world).then().body("lorebookIds", hasItem(id));
        as(null).get("/api/lorebooks/" + id).then().statusCode(200);

        b.put("name", "Fog lore v2");
        b.put("worldIds", List.of());
        String etag = as("bob").get("/api/lorebooks/" + id).then().extract().header("ETag");
        as("bob").header("If-Match", etag).body(b).put("/api/lorebooks/" + id).then().statusCode(200).body("name", equalTo("Fog lore v2"));
        as(null).get("/api/worlds/" + world).then().body("lorebookIds", not(hasItem(id)));
        as(null).get("/api/lorebooks/" + id).then().statusCode(404);

        as("bob").delete("/api/lorebooks/" + id).then().statusCode(204);
        as("bob").get("/api/lorebooks/" + id).then().statusCode(404);
    }

    @Test
    void lorebookAuthorisationMatrix() {
        String bobsWorld = Api.createWorld("bob", "Bob's world " + UUID.randomUUID(), "public");
        Map<String, Object> b = book("Private lore", List.of(entry(0, "k", "v")));
        as(null).body(b).post("/api/lorebooks").then().statusCode(401);
        as("alice").body(b).post("/api/lorebooks").then().statusCode(403);
        String id = as("bob").body(b).post("/api/lorebooks").then().statusCode(201).extract().path("id");
        as(null).get("/api/lorebooks/" + id).then().statusCode(404);
        as("carol").get("/api/lorebooks/" + id).then().statusCode(404);
        as("carol").get("/api/lorebooks/" + id + "/export").then().statusCode(404);
        as("carol").body(b).put("/api/lorebooks/" + id).then().statusCode(404);
        as("carol").delete("/api/lorebooks/" + id).then().statusCode(404);
        as("admin").get("/api/lorebooks/" + id).then().statusCode(200);
        as("mod").get("/api/lorebooks/" + id).then().statusCode(200);

        Map<String, Object> attachToOthers = book("Carol's", List.of());
        attachToOthers.put("worldIds", List.of(bobsWorld));
        as("carol").body(attachToOthers).post("/api/lorebooks").then().statusCode(403);

        Map<String, Object> attached = new HashMap<>(b);
        attached.put("worldIds", List.of(bobsWorld));
        as("bob").body(attached).put("/api/lorebooks/" + id).then().statusCode(200);
        as("carol").get("/api/lorebooks/" + id).then().statusCode(200);
        as("carol").body(b).put("/api/lorebooks/" + id).then().statusCode(403);
        as("alice").delete("/api/lorebooks/" + id).then().statusCode(403);
    }

    @Test
    void sillyTavernWorldInfoRoundTrip() throws IOException {
        byte[] file = resource("sillytavern-fog-isle.json");
        String id = as("bob").contentType(ContentType.JSON).queryParam("name", "Fog Isle").body(file).post("/api/lorebooks/import").then()
            .statusCode(201)
            .body("name", equalTo("Fog Isle"))
            .body("entries.size()", equalTo(3))
            .body("entries[0].selectiveLogic", equalTo("NOT_ANY"))
            .body("entries[0].position", equalTo("AT_DEPTH"))
            .body("entries[0].role", equalTo("user"))
            .body("entries[0].depth", equalTo(3))
            .body("entries[0].scanDepth", equalTo(5))
            .body("entries[0].probability", equalTo(80))
            .body("entries[0].preventRecursion", equalTo(true))
            .body("entries[0].matchWholeWords", equalTo(true))
            .body("entries[1].constant", equalTo(true))
            .body("entries[1].keys[0]", equalTo("/keeper\\s+lin/i"))
            .body("entries[1].delayUntilRecursion", equalTo(true))
            .body("entries[1].caseSensitive", equalTo(true))
            .body("entries[2].enabled", equalTo(false))
            .body("entries[2].selectiveLogic", equalTo("AND_ALL"))
            .extract().path("id");

        JsonNode original = JSON.readTree(file).get("entries");
        JsonNode exported = JSON.readTree(as("bob").get("/api/lorebooks/" + id + "/export?format=sillytavern").then().statusCode(200)
            .extract().asByteArray()).get("entries");
        assertEquals(3, exported.size());
        for (String uid : List.of("0", "1", "7")) {
            JsonNode o = original.get(uid);
            JsonNode e = exported.get(uid);
            o.fieldNames().forEachRemaining(field -> {
                JsonNode want = o.get(field);
                JsonNode got = e.get(field);
                if (field.equals("role") && want.isNull()) {
                    assertEquals(0, got.asInt(), "role of " + uid);
                } else {
                    assertEquals(want, got, "entry " + uid + " field " + field);
                }
            });
        }
        String again = as("bob").contentType(ContentType.JSON).body(exported.toString().isEmpty() ? "" : as("bob")
            .get("/api/lorebooks/" + id + "/export").then().extract().asString()).post("/api/lorebooks/import").then().statusCode(201)
            .extract().path("id");
        List<Object> first = as("bob").get("/api/lorebooks/" + id).then().extract().path("entries");
        List<Object> second = as("bob").get("/api/lorebooks/" + again).then().extract().path("entries");
        assertEquals(first, second);
    }

    @Test
    void lorebookV3RoundTrip() throws IOException {
        String id = as("carol").contentType(ContentType.JSON).body(resource("lorebook-v3-harbor.json")).post("/api/lorebooks/import")
            .then().statusCode(201)
            .body("name", equalTo("Clockwork Harbor"))
            .body("scanDepth", equalTo(6))
            .body("tokenBudget", equalTo(900))
            .body("recursiveScanning", equalTo(true))
            .body("entries[0].uid", equalTo(3))
            .body("entries[0].position", equalTo("AFTER_CHARACTER"))
            .body("entries[0].selectiveLogic", equalTo("NOT_ALL"))
            .body("entries[0].secondaryKeys[0]", equalTo("crane"))
            .body("entries[1].keys[0]", equalTo("/gear\\w*/i"))
            .body("entries[1].enabled", equalTo(false))
            .extract().path("id");
        String exported = as("carol").get("/api/lorebooks/" + id + "/export?format=lorebook_v3").then().statusCode(200)
            .body("spec", equalTo("lorebook_v3"))
            .body("data.entries[0].keys", equalTo(List.of("harbor", "港口")))
            .body("data.entries[0].extensions.selectiveLogic", equalTo(1))
            .extract().asString();
        String again = as("carol").contentType(ContentType.JSON).body(exported).post("/api/lorebooks/import").then().statusCode(201)
            .extract().path("id");
        Map<String, Object> first = as("carol").get("/api/lorebooks/" + id).then().extract().path("$");
        Map<String, Object> second = as("carol").get("/api/lorebooks/" + again).then().extract().path("$");
        for (String field : List.of("name", "description", "scanDepth", "tokenBudget", "recursiveScanning", "entries")) {
            assertEquals(first.get(field), second.get(field), field);
        }
        as("carol").get("/api/lorebooks/" + id + "/export?format=docx").then().statusCode(400);
    }

    @Test
    void hostileImportsAreRejectedAndNothingIsStored() {
        long before = count("bob");
        as("bob").contentType(ContentType.JSON).body("{\"entries\": {\"0\": {\"key\": [\"a\"], ").post("/api/lorebooks/import").then()
            .statusCode(400).body("code", equalTo("malformed_json"));
        as("bob").contentType(ContentType.JSON).body("[1, 2, 3]").post("/api/lorebooks/import").then().statusCode(400)
            .body("message", containsString("not a World Info file"));
        as("bob").contentType(ContentType.JSON).body("{\"entries\": {\"0\": {\"key\": [\"/[unclosed/i\"], \"content\": \"x\"}}}")
            .post("/api/lorebooks/import").then().statusCode(400)
            .body("details[0]", containsString("not a valid regular expression"));
        as("bob").contentType(ContentType.JSON).body("{\"entries\": {\"0\": {\"key\": [\"a\"], \"selectiveLogic\": 9}}}")
            .post("/api/lorebooks/import").then().statusCode(400).body("details[0]", containsString("selectiveLogic"));

        StringBuilder many = new StringBuilder("{\"entries\": {");
        for (int i = 0; i < 5000; i++) {
            many.append(i == 0 ? "" : ",").append('"').append(i).append("\": {\"uid\": ").append(i).append(", \"key\": [\"k").append(i)
                .append("\"], \"content\": \"c\"}");
        }
        many.append("}}");
        as("bob").contentType(ContentType.JSON).body(many.toString()).post("/api/lorebooks/import").then().statusCode(400)
            .body("message", containsString("5000 entries"));

        String huge = "x".repeat(100_000);
        as("bob").contentType(ContentType.JSON).body("{\"entries\": {\"0\": {\"key\": [\"a\"], \"content\": \"" + huge + "\"}}}")
            .post("/api/lorebooks/import").then().statusCode(400).body("details[0]", containsString("content is 100000 characters"));

        String tooBig = "{\"entries\": {\"0\": {\"key\": [\"a\"], \"content\": \"" + "y".repeat(5_000_000) + "\"}}}";
        as("bob").contentType(ContentType.JSON).body(tooBig).post("/api/lorebooks/import").then().statusCode(413)
            .body("code", equalTo("payload_too_large"));

        StringBuilder deep = new StringBuilder("{\"entries\": {\"0\": {\"key\": [\"a\"], \"x\": ");
        deep.append("[".repeat(5000)).append("]".repeat(5000)).append("}}}");
        as("bob").contentType(ContentType.JSON).body(deep.toString()).post("/api/lorebooks/import").then().statusCode(400);

        List<Map<String, Object>> dupes = new ArrayList<>(List.of(entry(1, "a", "x"), entry(1, "b", "y")));
        as("bob").body(book("dupes", dupes)).post("/api/lorebooks").then().statusCode(400)
            .body("details[0]", containsString("uid is used by more than one entry"));
        as("bob").body("{\"name\": \"bad enum\", \"entries\": [{\"position\": \"SIDEWAYS\"}]}").post("/api/lorebooks").then()
            .statusCode(400);
        assertEquals(before, count("bob"));
        assertTrue(before >= 0);
    }
}
