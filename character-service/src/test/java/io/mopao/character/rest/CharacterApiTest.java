package io.mopao.character.rest;

import static io.mopao.character.Api.as;
import static io.mopao.character.Api.character;
import static io.mopao.character.Api.create;
import static io.mopao.character.Api.unique;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mopao.character.Api;
import io.mopao.character.PrivateKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** CRUD, search, versions and concurrency against the real database and Keycloak tokens. */
@QuarkusTest
@QuarkusTestResource(PrivateKafka.class)
class CharacterApiTest {

    @Test
    void creatorCreatesReadsUpdatesAndDeletesACharacter() {
        String name = unique("Lin Wu 林雾");
        ObjectNode body = character(name, "public");
        Response created = as("bob").contentType("application/json").body(body.toString()).post("/characters");
        created.then().statusCode(201).header("ETag", "\"1\"").header("Location", containsString("/characters/"))
            .body("version", equalTo(1)).body("ownerName", equalTo("bob")).body("content.name", equalTo(name))
            .body("content.tags", hasItem("悬疑")).body("content.extensions.unknown_tool.keep", equalTo(1));
        String id = created.path("id");

        as("alice").get("/characters/" + id).then().statusCode(200).header("ETag", "\"1\"")
            .body("content.firstMessage", equalTo("*The lamp flickers.* Who comes at this hour?"))
            .body("hiddenReason", nullValue());

        body.put("personality", "calm, curious, stubborn");
        as("bob").contentType("application/json").header("If-Match", "\"1\"").body(body.toString()).put("/characters/" + id)
            .then().statusCode(200).header("ETag", "\"2\"").body("content.personality", equalTo("calm, curious, stubborn"));

        as("bob").header("If-Match", "\"2\"").delete("/characters/" + id).then().statusCode(204);
        as("bob").get("/characters/" + id).then().statusCode(404).body("code", equalTo("not_found"));
    }

    @Test
    void updateWithoutIfMatchIsRefusedWith428AndStaleVersionWith412() {
        String id = create("bob", character(unique("Stale"), "public"));
        ObjectNode body = character(unique("Stale2"), "public");
        as("bob").contentType("application/json").body(body.toString()).put("/characters/" + id)
            .then().statusCode(428).body("code", equalTo("precondition_required"));
        as("bob").contentType("application/json").header("If-Match", "\"1\"").body(body.toString()).put("/characters/" + id)
            .then().statusCode(200);
        as("bob").contentType("application/json").header("If-Match", "\"1\"").body(body.toString()).put("/characters/" + id)
            .then().statusCode(412).body("code", equalTo("version_mismatch")).body("message", containsString("version 2"));
    }

    @Test
    void ifMatchWithANegativeOrZeroVersionIsRefusedLikeGarbageAndOnlyStarMatchesAnyVersion() {
        String id = create("bob", character(unique("Sentinel"), "public"));
        ObjectNode body = character(unique("Sentinel2"), "public");
        // -1 is also the service's internal "any version": a client must not be able to send it
        for (String ifMatch : List.of("\"-1\"", "-1", "W/\"-1\"", "\"0\"", "\"-9223372036854775808\"", "\"abc\"")) {
            as("bob").contentType("application/json").header("If-Match", ifMatch).body(body.toString()).put("/characters/" + id)
                .then().statusCode(412).body("code", equalTo("version_mismatch"))
                .body("message", containsString("If-Match must be the ETag of the character"));
        }
        as("bob").header("If-Match", "\"-1\"").delete("/characters/" + id).then().statusCode(412)
            .body("code", equalTo("version_mismatch"));
        as("bob").header("If-Match", "\"-1\"").post("/characters/" + id + "/versions/1/restore").then().statusCode(412);
        assertEquals(1, Api.version("bob", id), "no change got through");
        as("bob").contentType("application/json").header("If-Match", "*").body(body.toString()).put("/characters/" + id)
            .then().statusCode(200).header("ETag", "\"2\"");
    }

    @Test
    void concurrentUpdatesWithTheSameVersionLetExactlyOneWin() throws Exception {
        String id = create("bob", character(unique("Race"), "public"));
        int writers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                ObjectNode body = character("Race writer " + i, "public");
                tasks.add(() -> as("bob").contentType("application/json").header("If-Match", "\"1\"").body(body.toString())
                    .put("/characters/" + id).statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(tasks)) {
                statuses.add(f.get());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 200).count(), "statuses: " + statuses);
            assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 412 || s == 409), "statuses: " + statuses);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, Api.version("bob", id));
        as("bob").get("/characters/" + id + "/versions").then().statusCode(200).body("size()", equalTo(2));
    }

    @Test
    void searchFindsChineseAndEnglishTextAndFiltersByTagCreatorAndRating() {
        String marker = unique("zz");
        ObjectNode zh = character("雾岛守灯人 " + marker, "public");
        zh.put("description", "她在雾岛上守着一座灯塔。");
        zh.putArray("tags").add("悬疑").add(marker);
        String zhId = create("bob", zh);
        ObjectNode en = character("Harbour Pilot " + marker, "public");
        en.put("contentRating", "teen");
        en.putArray("tags").add("adventure").add(marker);
        en.put("creator", "carol-the-writer");
        String enId = create("carol", en);
        String privateId = create("carol", character("Secret " + marker, "private"));
        String unlistedId = create("carol", character("Unlisted " + marker, "unlisted"));

        as(null).queryParam("q", "灯塔").queryParam("tag", marker).get("/characters").then().statusCode(200)
            .body("items.id", equalTo(List.of(zhId)));
        as(null).queryParam("q", "守灯").get("/characters").then().statusCode(200).body("items.id", hasItem(zhId));
        as("alice").queryParam("q", "HARBOUR pilot").get("/characters").then().statusCode(200).body("items.id", hasItem(enId));
        as(null).queryParam("tag", marker).queryParam("rating", "teen").get("/characters").then().statusCode(200)
            .body("items.id", equalTo(List.of(enId))).body("total", equalTo(1));
        as(null).queryParam("tag", marker).queryParam("creator", "carol-the-writer").get("/characters").then()
            .body("items.id", equalTo(List.of(enId)));
        as(null).queryParam("tag", marker.toUpperCase()).queryParam("tag", "悬疑").get("/characters").then()
            .body("items.id", equalTo(List.of(zhId)));
        // private and unlisted never show up for others; the owner sees their private one
        as("alice").queryParam("q", marker).get("/characters").then().body("total", equalTo(2));
        as("carol").queryParam("q", marker).get("/characters").then().body("items.id", hasItem(privateId))
            .body("items.id", hasItem(unlistedId));
        as("carol").queryParam("q", marker).queryParam("mine", true).get("/characters").then().body("total", equalTo(3));
    }

    @Test
    void pagesAreStableAndCoverEveryMatchOnce() {
        String marker = unique("page");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ObjectNode c = character("Pager " + i, "public");
            c.putArray("tags").add(marker);
            ids.add(create("bob", c));
        }
        List<String> seen = new ArrayList<>();
        for (int page = 0; page < 3; page++) {
            seen.addAll(as(null).queryParam("tag", marker).queryParam("size", 2).queryParam("page", page).get("/characters")
                .then().statusCode(200).body("total", equalTo(5)).extract().jsonPath().getList("items.id", String.class));
        }
        assertEquals(List.copyOf(ids.reversed()), seen, "newest first, each exactly once");
        List<String> again = as(null).queryParam("tag", marker).queryParam("size", 5).get("/characters").then().extract().jsonPath()
            .getList("items.id", String.class);
        assertEquals(seen, again);
        as(null).queryParam("size", 1000).get("/characters").then().statusCode(400).body("code", equalTo("validation_failed"));
    }

    @Test
    void aPageBeyondWhatCanBeAddressedIsA400NamingTheLastPage() {
        // page * size must fit in an int (the row offset): 21474837 * 100 overflowed into a 500
        as(null).queryParam("page", 21_474_837).queryParam("size", 100).get("/characters").then().statusCode(400)
            .body("code", equalTo("validation_failed")).body("details", hasItem("page: 0..21474836 with size 100"));
        as(null).queryParam("page", Integer.MAX_VALUE).get("/characters").then().statusCode(400)
            .body("details", hasItem("page: 0..107374182 with size 20"));
        as(null).queryParam("page", 21_474_836).queryParam("size", 100).get("/characters").then().statusCode(200)
            .body("items", equalTo(List.of())).body("page", equalTo(21_474_836));
        as(null).queryParam("page", Integer.MAX_VALUE).queryParam("size", 1).get("/characters").then().statusCode(200)
            .body("items", equalTo(List.of()));
    }

    @Test
    void versionHistoryKeepsEveryChangeAndRestoreMakesANewVersion() {
        ObjectNode body = character(unique("Historian"), "public");
        String id = create("bob", body);
        body.put("scenario", "A stormy night.");
        as("bob").contentType("application/json").header("If-Match", "\"1\"").body(body.toString()).put("/characters/" + id)
            .then().statusCode(200);
        as("bob").get("/characters/" + id + "/versions").then().statusCode(200)
            .body("version", equalTo(List.of(2, 1))).body("change", equalTo(List.of("updated", "created")));
        as("bob").get("/characters/" + id + "/versions/1").then().statusCode(200).body("content.scenario", equalTo("A foggy island."));
        as("bob").header("If-Match", "\"2\"").post("/characters/" + id + "/versions/1/restore").then().statusCode(200)
            .header("ETag", "\"3\"").body("content.scenario", equalTo("A foggy island."));
        as("bob").get("/characters/" + id + "/versions/3").then().body("change", equalTo("restored version 1"));
        as("bob").get("/characters/" + id + "/versions/9").then().statusCode(404);
    }

    @Test
    void invalidContentIsA400ListingEveryProblem() {
        ObjectNode body = character("", "everyone");
        body.put("contentRating", "x");
        as("bob").contentType("application/json").body(body.toString()).post("/characters").then().statusCode(400)
            .body("code", equalTo("validation_failed")).body("details", hasItem("name: required"))
            .body("details", hasItem("visibility: must be private, unlisted or public"))
            .body("details", hasItem("contentRating: must be general, teen or mature"));
        as("bob").contentType("application/json").body("{\"name\": ").post("/characters").then().statusCode(400)
            .body("code", equalTo("malformed_json"));
        as("bob").contentType("application/json").body("[".repeat(200) + "]".repeat(200)).post("/characters").then().statusCode(400)
            .body("code", equalTo("malformed_json"));
        as("bob").contentType("application/json").body("{\"name\": \"Solo\", \"tags\": {\"a\": 1}}").post("/characters").then()
            .statusCode(400).body("code", equalTo("malformed_json")).body("details", equalTo(List.of("tags: should be an array")));
        as("bob").contentType("application/json").body(character(unique("Long"), "public").put("name", "x".repeat(201)).toString())
            .post("/characters").then().statusCode(400).body("details[0]", containsString("name: at most 200"));
    }

    @Test
    void aCreationDateOutsideTheYears1970To9999IsA400NamingTheField() {
        for (long bad : List.of(9_000_000_000_000_000_000L, 253_402_300_800L, -1L)) {
            ObjectNode body = character(unique("Dated"), "public").put("creationDate", bad);
            as("bob").contentType("application/json").body(body.toString()).post("/characters").then().statusCode(400)
                .body("code", equalTo("validation_failed"))
                .body("details", hasItem(containsString("creationDate: Unix seconds from 0 (1970-01-01) to 253402300799")));
        }
        String id = create("bob", character(unique("Dated"), "public").put("creationDate", 253_402_300_799L));
        as("bob").get("/characters/" + id).then().body("content.creationDate", equalTo(253_402_300_799L));
        ObjectNode body = character(unique("Dated"), "public").put("creationDate", 9_000_000_000_000_000_000L);
        as("bob").contentType("application/json").header("If-Match", "\"1\"").body(body.toString()).put("/characters/" + id)
            .then().statusCode(400).body("details", hasItem(containsString("creationDate: ")));
    }

    @Test
    void avatarUploadChecksTypeAndSizeAndIsServedBack() throws Exception {
        String id = create("bob", character(unique("Avatar"), "public"));
        byte[] png = io.mopao.character.card.TestCards.plainPng(8, 8);
        as("bob").contentType("image/png").body(png).put("/characters/" + id + "/avatar").then().statusCode(200)
            .body("avatarUrl", notNullValue()).header("ETag", "\"2\"");
        byte[] served = as(null).get("/characters/" + id + "/avatar").then().statusCode(200).contentType("image/png").extract()
            .asByteArray();
        assertEquals(png.length, served.length);
        as("bob").contentType("image/png").body("not an image at all".getBytes()).put("/characters/" + id + "/avatar").then()
            .statusCode(415).body("message", containsString("PNG, JPEG, WebP or GIF"));
        byte[] huge = new byte[5 * 1024 * 1024 + 1];
        System.arraycopy(png, 0, huge, 0, png.length);
        as("bob").contentType("image/png").body(huge).put("/characters/" + id + "/avatar").then().statusCode(413)
            .body("code", equalTo("payload_too_large"));
        as("bob").get("/characters/" + id).then().header("ETag", "\"2\"");
    }

    @Test
    void openApiDocumentDescribesTheEndpoints() {
        as(null).queryParam("format", "json").get("/q/openapi").then().statusCode(200)
            .body("paths.'/characters/{id}'.put.summary", notNullValue())
            .body("paths.'/characters/import'.post.summary", notNullValue());
    }
}
