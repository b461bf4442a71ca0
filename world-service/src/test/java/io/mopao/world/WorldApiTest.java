package io.mopao.world;

import static io.mopao.world.Api.as;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class WorldApiTest {

    @Test
    void creatorCreatesReadsUpdatesAndDeletesAWorld() {
        String id = Api.createWorld("bob", "Fog Isle 雾岛", "public");
        String etag = as(null).get("/api/worlds/" + id).then().statusCode(200)
            .body("title", equalTo("Fog Isle 雾岛"))
            .body("ownerId", equalTo(Api.sub("bob")))
            .body("ownerName", equalTo("bob"))
            .body("tags", contains("mystery", "悬疑"))
            .body("locations[0].name", equalTo("Lighthouse"))
            .body("openingScenes[0].id", equalTo("s1"))
            .header("ETag", notNullValue())
            .extract().header("ETag");

        Map<String, Object> changed = new HashMap<>(Api.world("Fog Isle II", "public"));
        as("bob").header("If-Match", etag).body(changed).put("/api/worlds/" + id).then().statusCode(200)
            .body("title", equalTo("Fog Isle II"));
        as("bob").header("If-Match", etag).body(changed).put("/api/worlds/" + id).then().statusCode(412)
            .body("code", equalTo("precondition_failed"));

        as("bob").delete("/api/worlds/" + id).then().statusCode(204);
        as("bob").get("/api/worlds/" + id).then().statusCode(404).body("code", equalTo("not_found"));
    }

    @Test
    void authorisationMatrix() {
        String pub = Api.createWorld("bob", "Matrix public", "public");
        String priv = Api.createWorld("bob", "Matrix private", "private");
        Map<String, Object> body = Api.world("x", "public");

        as(null).body(body).post("/api/worlds").then().statusCode(401).body("code", equalTo("unauthorized"));
        as("alice").body(body).post("/api/worlds").then().statusCode(403).body("code", equalTo("forbidden"));
        as("carol").body(body).put("/api/worlds/" + pub).then().statusCode(403);
        as("carol").delete("/api/worlds/" + pub).then().statusCode(403);
        as("alice").delete("/api/worlds/" + pub).then().statusCode(403);

        as(null).get("/api/worlds/" + pub).then().statusCode(200);
        as(null).get("/api/worlds/" + priv).then().statusCode(404);
        as("carol").get("/api/worlds/" + priv).then().statusCode(404);
        as("carol").body(body).put("/api/worlds/" + priv).then().statusCode(404);
        as("bob").get("/api/worlds/" + priv).then().statusCode(200);
        as("admin").get("/api/worlds/" + priv).then().statusCode(200);
        as("admin").body(Api.world("Matrix by admin", "private")).put("/api/worlds/" + priv).then().statusCode(200)
            .body("ownerName", equalTo("bob"));
        as("carol").get("/api/worlds/mine").then().statusCode(200).body("id", not(hasItem(priv)));
        as("bob").get("/api/worlds/mine").then().statusCode(200).body("id", hasItem(priv));
        as(null).get("/api/worlds/mine").then().statusCode(401);
    }

    @Test
    void rejectsInvalidWorldsWithActionableMessages() {
        Map<String, Object> bad = new HashMap<>(Api.world("", "secret"));
        bad.put("contentRating", "x");
        as("bob").body(bad).post("/api/worlds").then().statusCode(400)
            .body("code", equalTo("validation_failed"))
            .body("details", hasItem("title is required"))
            .body("details.size()", equalTo(3));
        as("bob").body("{\"title\": ").post("/api/worlds").then().statusCode(400).body("status", equalTo(400));
        as("bob").body("{\"title\": [1]}").post("/api/worlds").then().statusCode(400).body("code", equalTo("malformed_json"))
            .body("details", equalTo(List.of("title: should be a string")));
        as("bob").get("/api/worlds/" + UUID.randomUUID()).then().statusCode(404);
        as("bob").get("/api/worlds/not-a-uuid").then().statusCode(404);
    }

    @Test
    void searchFindsChineseAndEnglishTextAndBrowsesByTag() {
        String marker = "zq" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> zh = new HashMap<>(Api.world("青云山传说 " + marker, "public"));
        zh.put("tags", java.util.List.of("xianxia-" + marker));
        String zhId = as("carol").body(zh).post("/api/worlds").then().statusCode(201).extract().path("id");
        String enId = Api.createWorld("carol", "Clockwork Harbor " + marker, "public");
        String hidden = Api.createWorld("carol", "Secret harbor " + marker, "private");

        as(null).queryParam("q", "青云山").get("/api/worlds").then().statusCode(200).body("items.id", hasItem(zhId))
            .body("items.id", not(hasItem(enId)));
        as(null).queryParam("q", "clockwork " + marker).get("/api/worlds").then().statusCode(200).body("items.id", contains(enId));
        as(null).queryParam("q", "harbor " + marker).get("/api/worlds").then().statusCode(200).body("items.id", not(hasItem(hidden)));
        as(null).queryParam("tag", "xianxia-" + marker).get("/api/worlds").then().statusCode(200).body("items.id", contains(zhId));
        as(null).queryParam("q", marker).queryParam("sort", "newest").get("/api/worlds").then().statusCode(200)
            .body("items.id", contains(enId, zhId));
        as(null).queryParam("q", marker).queryParam("sort", "trending").get("/api/worlds").then().statusCode(200)
            .body("items.size()", equalTo(2));
        as(null).queryParam("sort", "bogus").get("/api/worlds").then().statusCode(400);
    }
}
