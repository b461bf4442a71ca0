package io.mopao.world;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;

/**
 * {@link WorldEventsTest} again with a relay that would not poll during the test (poll interval and standby/backoff
 * pause of an hour): after its pass at start-up only the services' wake-up after each committed change gets the world,
 * lorebook, storyline and delete events out, so this fails when a write path forgets to wake the relay.
 */
@QuarkusTest
@TestProfile(OutboxWakeUpTest.RelayWaitsAnHour.class)
class OutboxWakeUpTest extends WorldEventsTest {

    /** The relay would not poll again during the test. */
    public static final class RelayWaitsAnHour implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mopao.outbox.poll-interval", "1h", "mopao.outbox.max-backoff", "1h");
        }
    }
}
