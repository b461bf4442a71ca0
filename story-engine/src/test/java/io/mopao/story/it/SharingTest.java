package io.mopao.story.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mopao.events.character.CharacterSnapshot;
import io.mopao.story.repository.ReadModelRepository;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PrivateKafka.class)
class SharingTest {

    @Inject
    ReadModelRepository readModels;

    @Test
    void aSharedBranchCanBePlayedFromByAnotherPlayer() {
        CharacterSnapshot lin = Fixtures.givenCharacter(readModels, Fixtures.character("Lin", 1, "public", null));
        String sessionId = Fixtures.createSession("alice", "{\"characterIds\":[\"" + lin.id() + "\"],\"greetingIndex\":2}")
            .then().statusCode(201).extract().path("id");
        List<Map<String, Object>> history = given().auth().oauth2(Fixtures.token("alice")).get("/api/sessions/" + sessionId + "/messages")
            .then().extract().jsonPath().getList("$");
        assertEquals("A third greeting.", history.getFirst().get("content"));
        assertEquals(3, history.getFirst().get("swipeCount"));
        String shareId = given().auth().oauth2(Fixtures.token("alice")).contentType(ContentType.JSON)
            .body("{\"title\":\"Night at the lighthouse\"}").post("/api/sessions/" + sessionId + "/share")
            .then().statusCode(201).extract().path("shareId");
        String forked = given().auth().oauth2(Fixtures.token("bob")).contentType(ContentType.JSON)
            .body("{\"shareId\":\"" + shareId + "\"}").post("/api/sessions/from-share").then().statusCode(201).extract().path("id");
        List<Map<String, Object>> copy = given().auth().oauth2(Fixtures.token("bob")).get("/api/sessions/" + forked + "/messages")
            .then().statusCode(200).extract().jsonPath().getList("$");
        assertEquals(List.of("A third greeting."), copy.stream().map(m -> m.get("content")).toList());
        given().auth().oauth2(Fixtures.token("alice")).get("/api/sessions/" + forked).then().statusCode(404);
    }
}
