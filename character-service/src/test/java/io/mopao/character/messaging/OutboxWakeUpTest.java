package io.mopao.character.messaging;

import static io.mopao.character.Api.as;
import static io.mopao.character.Api.character;
import static io.mopao.character.Api.create;
import static io.mopao.character.Api.unique;
import static io.mopao.character.messaging.CharacterEventsTest.eventsFor;
import static io.mopao.character.messaging.CharacterEventsTest.versions;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The outbox relay is woken up when a change commits. With a poll interval (and standby/backoff pause) of an hour, the
 * relay publishes what is pending at start-up and then sleeps: only the resource's wake-up after each committed change
 * can get an event out while this test runs, so without it the events below never arrive.
 */
@QuarkusTest
@TestProfile(OutboxWakeUpTest.RelayWaitsAnHour.class)
class OutboxWakeUpTest {

    /** The relay would not poll again during the test. */
    public static final class RelayWaitsAnHour implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mopao.outbox.poll-interval", "1h", "mopao.outbox.max-backoff", "1h");
        }
    }

    private static void awaitVersions(String id, List<String> expected) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
            .until(() -> versions(eventsFor(id)).equals(expected));
    }

    @Test
    void everyCommittedChangeIsPublishedWithoutWaitingForTheNextPoll() {
        // the relay polls once an hour: each change leaves only because the service wakes the relay after its commit
        // (the update and the delete come after the relay has published the create and gone to sleep)
        String id = create("bob", character(unique("Woken"), "public"));
        awaitVersions(id, List.of("upsert:1"));

        as("bob").contentType("application/json").header("If-Match", "\"1\"")
            .body(character("Woken again", "public").toString()).put("/characters/" + id).then().statusCode(200);
        awaitVersions(id, List.of("upsert:1", "upsert:2"));

        as("bob").header("If-Match", "\"2\"").delete("/characters/" + id).then().statusCode(204);
        awaitVersions(id, List.of("upsert:1", "upsert:2", "delete:2"));
        assertEquals(List.of("upsert:1", "upsert:2", "delete:2"), versions(eventsFor(id)));
    }
}
