package io.mopao.character.rest;

import static io.mopao.character.Api.as;
import static io.mopao.character.Api.character;
import static io.mopao.character.Api.create;
import static io.mopao.character.Api.unique;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mopao.character.card.TestCards;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint against every kind of caller: the owner (bob, a creator), another player (alice), another creator
 * (carol), a moderator (mod) and an anonymous caller. Private characters are 404 (not 403) for everyone but the owner
 * and moderators; moderators can read and hide but not edit.
 */
@QuarkusTest
class AuthorizationMatrixTest {

    private static final List<String> CALLERS = List.of("bob", "alice", "carol", "mod", "anonymous");
    private static final byte[] PNG = TestCards.plainPng(4, 4);

    /** One request kind on a character. */
    private record Call(String name, String method, String path) {
    }

    private static final List<Call> CALLS = List.of(
        new Call("read", "GET", ""),
        new Call("export", "GET", "/export"),
        new Call("avatar read", "GET", "/avatar"),
        new Call("history", "GET", "/versions"),
        new Call("version", "GET", "/versions/1"),
        new Call("update", "PUT", ""),
        new Call("avatar upload", "PUT", "/avatar"),
        new Call("avatar delete", "DELETE", "/avatar"),
        new Call("restore", "POST", "/versions/1/restore"),
        new Call("moderate", "PUT", "/moderation"),
        new Call("delete", "DELETE", ""));

    private static int call(String user, Call call, String id) {
        RequestSpecification spec = as("anonymous".equals(user) ? null : user).header("If-Match", "*");
        String path = "/characters/" + id + call.path();
        Response r = switch (call.name()) {
            case "update" -> spec.contentType("application/json").body(character("Matrix edit", "public").toString()).put(path);
            case "avatar upload" -> spec.contentType("image/png").body(PNG).put(path);
            case "moderate" -> spec.contentType("application/json").body("{\"hidden\": false, \"reason\": \"ok\"}").put(path);
            default -> spec.request(call.method(), path);
        };
        return r.statusCode();
    }

    /** A fresh character of bob's with an avatar, so every call has something to act on. */
    private static String fresh(String visibility) {
        String id = create("bob", character(unique("Matrix"), visibility));
        as("bob").contentType("image/png").body(PNG).put("/characters/" + id + "/avatar").then().statusCode(200);
        return id;
    }

    private static void check(String visibility, Map<String, List<Integer>> expectedByCall) {
        List<String> failures = new ArrayList<>();
        for (Call c : CALLS) {
            List<Integer> expected = expectedByCall.get(c.name());
            for (int i = 0; i < CALLERS.size(); i++) {
                String id = fresh(visibility);
                int status = call(CALLERS.get(i), c, id);
                if (status != expected.get(i)) {
                    failures.add(visibility + " " + c.name() + " as " + CALLERS.get(i) + ": expected " + expected.get(i)
                        + " got " + status);
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    //                                      bob  alice carol mod  anonymous
    @Test
    void privateCharacterMatrix() {
        Map<String, List<Integer>> m = new LinkedHashMap<>();
        m.put("read", List.of(200, 404, 404, 200, 404));
        m.put("export", List.of(200, 404, 404, 200, 404));
        m.put("avatar read", List.of(200, 404, 404, 200, 404));
        m.put("history", List.of(200, 404, 404, 200, 401));
        m.put("version", List.of(200, 404, 404, 200, 401));
        m.put("update", List.of(200, 404, 404, 403, 401));
        m.put("avatar upload", List.of(200, 404, 404, 403, 401));
        m.put("avatar delete", List.of(200, 404, 404, 403, 401));
        m.put("restore", List.of(200, 404, 404, 403, 401));
        m.put("moderate", List.of(403, 403, 403, 200, 401));
        m.put("delete", List.of(204, 404, 404, 403, 401));
        check("private", m);
    }

    @Test
    void publicCharacterMatrix() {
        Map<String, List<Integer>> m = new LinkedHashMap<>();
        m.put("read", List.of(200, 200, 200, 200, 200));
        m.put("export", List.of(200, 200, 200, 200, 200));
        m.put("avatar read", List.of(200, 200, 200, 200, 200));
        m.put("history", List.of(200, 403, 403, 200, 401));
        m.put("version", List.of(200, 403, 403, 200, 401));
        m.put("update", List.of(200, 403, 403, 403, 401));
        m.put("avatar upload", List.of(200, 403, 403, 403, 401));
        m.put("avatar delete", List.of(200, 403, 403, 403, 401));
        m.put("restore", List.of(200, 403, 403, 403, 401));
        m.put("moderate", List.of(403, 403, 403, 200, 401));
        m.put("delete", List.of(204, 403, 403, 403, 401));
        check("public", m);
    }

    @Test
    void unlistedCharacterIsReadableByLinkButNeverListed() {
        String id = fresh("unlisted");
        for (String user : CALLERS) {
            as("anonymous".equals(user) ? null : user).get("/characters/" + id).then().statusCode(200);
        }
        as("alice").queryParam("size", 100).get("/characters").then().statusCode(200).body("items.id", not(hasItem(id)));
        as(null).queryParam("size", 100).get("/characters").then().statusCode(200).body("items.id", not(hasItem(id)));
    }

    @Test
    void hiddenCharacterDisappearsForEveryoneButOwnerAndModerators() {
        String name = unique("Hidden");
        String id = create("bob", character(name, "public"));
        as("mod").contentType("application/json").body("{\"hidden\": true, \"reason\": \"reported\"}")
            .put("/characters/" + id + "/moderation").then().statusCode(200).body("hidden", equalTo(true))
            .body("hiddenReason", equalTo("reported"));
        as("alice").get("/characters/" + id).then().statusCode(404);
        as(null).get("/characters/" + id).then().statusCode(404);
        as("carol").queryParam("q", name).get("/characters").then().body("total", equalTo(0));
        as("bob").get("/characters/" + id).then().statusCode(200).body("hidden", equalTo(true))
            .body("hiddenReason", equalTo("reported"));
        as("mod").queryParam("q", name).get("/characters").then().body("total", equalTo(1));
        as("mod").contentType("application/json").body("{\"hidden\": false}").put("/characters/" + id + "/moderation")
            .then().statusCode(200);
        as("alice").get("/characters/" + id).then().statusCode(200).body("hiddenReason", equalTo(null));
    }

    @Test
    void creatingNeedsTheCreatorRole() {
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("bob", 201);
        expected.put("carol", 201);
        expected.put("admin", 201);
        expected.put("alice", 403);
        expected.put("mod", 403);
        expected.put("anonymous", 401);
        expected.forEach((user, status) -> as("anonymous".equals(user) ? null : user).contentType("application/json")
            .body(character(unique("Create"), "private").toString()).post("/characters").then().statusCode(status));
    }

    @Test
    void roleRefusalsAnswerInTheErrorShape() {
        String body = character(unique("Refused"), "private").toString();
        as("alice").contentType("application/json").body(body).post("/characters").then().statusCode(403)
            .body("status", equalTo(403)).body("code", equalTo("forbidden"))
            .body("message", equalTo("your account lacks the role this action needs"));
        as(null).contentType("application/json").body(body).post("/characters").then().statusCode(401)
            .body("code", equalTo("unauthorized")).body("message", equalTo("sign in first (a bearer token is required)"));
    }

    @Test
    void listingIsOpenButMineNeedsSignIn() {
        as(null).get("/characters").then().statusCode(200);
        as(null).queryParam("mine", true).get("/characters").then().statusCode(401).body("code", equalTo("unauthorized"));
        as("alice").queryParam("mine", true).get("/characters").then().statusCode(200).body("total", equalTo(0));
    }

    @Test
    void unknownOrMalformedIdsAreNotFound() {
        as("bob").get("/characters/not-a-uuid").then().statusCode(404).body("code", equalTo("not_found"));
        as("bob").get("/characters/00000000-0000-0000-0000-000000000000").then().statusCode(404);
    }
}
