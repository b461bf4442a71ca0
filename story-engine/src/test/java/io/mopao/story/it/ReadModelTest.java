package io.mopao.story.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mopao.events.EventEnvelope;
import io.mopao.events.character.CharacterDeleted;
import io.mopao.events.character.CharacterSnapshot;
import io.mopao.events.character.CharacterUpserted;
import io.mopao.story.repository.ReadModelRepository;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PrivateKafka.class)
class ReadModelTest {

    @Inject
    ReadModelRepository readModels;

    @Test
    void upsertsApplyByVersionSoOlderAndDuplicateEventsChangeNothing() {
        String id = UUID.randomUUID().toString();
        Fixtures.givenCharacter(readModels, Fixtures.character(id, "Lin", 3, "public", null));
        // an older version arriving late, and a duplicate delivery of the same event, are both ignored
        EventEnvelope<?> old = Fixtures.publish(new CharacterUpserted(Fixtures.character(id, "Old Lin", 2, "public", null)));
        Fixtures.publishEnvelope(old);
        CharacterSnapshot v4 = Fixtures.character(id, "Lin Four", 4, "public", null);
        Fixtures.givenCharacter(readModels, v4);
        String payload = Fixtures.inSession(() -> readModels.find(ReadModelRepository.CHARACTER, id)).orElseThrow();
        assertTrue(payload.contains("Lin Four"), payload);
        assertEquals(4L, Fixtures.inSession(() -> readModels.version(ReadModelRepository.CHARACTER, id)).orElseThrow());
    }

    @Test
    void deletesHideTheEntityUntilANewerVersionArrives() {
        String id = UUID.randomUUID().toString();
        Fixtures.givenCharacter(readModels, Fixtures.character(id, "Mei", 1, "public", null));
        Fixtures.publish(new CharacterDeleted(id, 1));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120))
            .until(() -> Fixtures.inSession(() -> readModels.find(ReadModelRepository.CHARACTER, id)).isEmpty());
        Fixtures.newSessionFails(id);
        Fixtures.givenCharacter(readModels, Fixtures.character(id, "Mei again", 2, "public", null));
        assertTrue(Fixtures.inSession(() -> readModels.find(ReadModelRepository.CHARACTER, id)).orElseThrow().contains("Mei again"));
    }

    @Test
    void aKafkaTombstoneDeletesWhateverTheVersion() {
        String id = UUID.randomUUID().toString();
        Fixtures.givenCharacter(readModels, Fixtures.character(id, "Tomb", 5, "public", null));
        Fixtures.publishRaw("mopao.characters", "character:" + id, null);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120))
            .until(() -> Fixtures.inSession(() -> readModels.find(ReadModelRepository.CHARACTER, id)).isEmpty());
    }

    @Test
    void privateCharactersOfOthersCannotBePlayed() {
        CharacterSnapshot secret = Fixtures.givenCharacter(readModels, Fixtures.character("Secret", 1, "private", null));
        Fixtures.createSession("alice", "{\"characterIds\":[\"" + secret.id() + "\"]}").then().statusCode(404)
            .body("code", org.hamcrest.Matchers.equalTo("not_found"));
    }
}
