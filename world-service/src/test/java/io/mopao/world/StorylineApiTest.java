package io.mopao.world;

import static io.mopao.world.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class StorylineApiTest {

    static Map<String, Object> storyline(String next) {
        Map<String, Object> b1 = Map.of("id", "b1", "title", "The dark lamp", "goal", "Learn why the lamp is dark",
            "narratorDirection", "Lin hints at her brother.",
            "advanceWhen", List.of(Map.of("kind", "keyword", "keywords", List.of("lamp", "灯"), "nextBeatId", "b2"),
                Map.of("kind", "turns", "turns", 6), Map.of("kind", "judged", "judgePrompt", "Has the player asked about the brother?")),
            "nextBeatIds", List.of(next, "b3"), "ending", false);
        Map<String, Object> b2 = Map.of("id", "b2", "title", "Relight", "goal", "Relight the lamp", "narratorDirection", "The fog lifts.",
            "ending", true);
        Map<String, Object> b3 = Map.of("id", "b3", "title", "Leave", "goal", "Leave the island", "ending", true);
        return Map.of("title", "The Dark Lamp", "description", "A short mystery",
            "chapters", List.of(Map.of("id", "c1", "title", "Chapter one", "beats", List.of(b1)),
                Map.of("id", "c2", "title", "Chapter two", "beats", List.of(b2, b3))));
    }

    @Test
    void worldOwnerDefinesBranchingStorylines() {
        String world = Api.createWorld("bob", "Story world " + UUID.randomUUID(), "public");
        String id = as("bob").body(storyline("b2")).post("/api/worlds/" + world + "/storylines").then().statusCode(201)
            .body("startBeatId", equalTo("b1"))
            .body("chapters[0].beats[0].advanceWhen[0].keywords[1]", equalTo("灯"))
            .extract().path("id");
        as(null).get("/api/worlds/" + world).then().body("storylineIds", hasItem(id));
        as(null).get("/api/worlds/" + world + "/storylines").then().statusCode(200).body("id", hasItem(id));
        as(null).get("/api/storylines/" + id).then().statusCode(200).body("chapters[1].beats[0].ending", equalTo(true));

        as("carol").body(storyline("b2")).post("/api/worlds/" + world + "/storylines").then().statusCode(403);
        as("alice").body(storyline("b2")).post("/api/worlds/" + world + "/storylines").then().statusCode(403);
        as("carol").body(storyline("b2")).put("/api/storylines/" + id).then().statusCode(403);
        as("bob").body(storyline("b2")).put("/api/storylines/" + id).then().statusCode(200).body("version", equalTo(1));

        as("bob").body(storyline("nowhere")).put("/api/storylines/" + id).then().statusCode(400)
            .body("details", hasItem(containsString("unknown beat nowhere")));
        as("bob").delete("/api/storylines/" + id).then().statusCode(204);
        as(null).get("/api/worlds/" + world).then().body("storylineIds", not(hasItem(id)));
    }

    @Test
    void storylinesOfPrivateWorldsStayPrivate() {
        String world = Api.createWorld("bob", "Private story world " + UUID.randomUUID(), "private");
        String id = as("bob").body(storyline("b2")).post("/api/worlds/" + world + "/storylines").then().statusCode(201)
            .extract().path("id");
        as("carol").get("/api/storylines/" + id).then().statusCode(404);
        as(null).get("/api/worlds/" + world + "/storylines").then().statusCode(404);
        as("bob").get("/api/storylines/" + id).then().statusCode(200);
    }

    @Test
    void rejectsStorylinesWithoutAnEnd() {
        String world = Api.createWorld("bob", "Loop world " + UUID.randomUUID(), "public");
        Map<String, Object> loop = Map.of("title", "Loop", "chapters", List.of(Map.of("id", "c1", "beats", List.of(
            Map.of("id", "a", "goal", "go", "nextBeatIds", List.of("b")),
            Map.of("id", "b", "goal", "back", "nextBeatIds", List.of("a"))))));
        as("bob").body(loop).post("/api/worlds/" + world + "/storylines").then().statusCode(400)
            .body("details", hasItem(containsString("needs an end")));
        Map<String, Object> badKind = Map.of("title", "Bad", "chapters", List.of(Map.of("id", "c1", "beats", List.of(
            Map.of("id", "a", "goal", "go", "advanceWhen", List.of(Map.of("kind", "vibes")))))));
        as("bob").body(badKind).post("/api/worlds/" + world + "/storylines").then().statusCode(400);
    }
}
