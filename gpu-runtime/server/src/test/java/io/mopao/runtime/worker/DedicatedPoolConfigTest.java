package io.mopao.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code mopao.runtime.worker.dedicated-model} makes the worker a member of that model's pool. */
@QuarkusTest
@TestProfile(DedicatedPoolConfigTest.Dedicated.class)
class DedicatedPoolConfigTest {

    /** A worker configured for the stories260K pool. */
    public static class Dedicated implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mopao.runtime.worker.dedicated-model", "stories260K");
        }
    }

    @Inject
    WorkerLifecycle lifecycle;

    @Test
    void theConfiguredWorkerConsumesTheModelsTopicInTheModelsGroup() {
        assertEquals("mopao.dialogue.requests.stories260K", lifecycle.settings().requestsTopic());
        assertEquals("mopao-gpu-runtime.stories260K", lifecycle.settings().groupId());
        assertEquals("mopao.dialogue.events", lifecycle.settings().eventsTopic(), "outputs are shared by every pool");
        assertEquals("mopao.dialogue.requests.dlq", lifecycle.settings().deadLetterTopic());
    }

    @Test
    void withoutADedicatedModelTheDefaultPoolsTopicAndGroupAreKept() {
        WorkerSettings base = base();
        assertSame(base, WorkerLifecycle.poolSettings(base, Optional.empty(), List.of("a")));
    }

    @Test
    void aDedicatedModelTheWorkerDoesNotServeFailsTheStartWithWhatToDo() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> WorkerLifecycle.poolSettings(base(), Optional.of("llama-8b"), List.of("stories260K")));
        assertTrue(e.getMessage().contains("mopao.runtime.models.llama-8b="), e.getMessage());
    }

    private static WorkerSettings base() {
        return new WorkerSettings("127.0.0.1:9092", "mopao-gpu-runtime", "mopao.dialogue.requests", "mopao.dialogue.events",
            "mopao.dialogue.control", "mopao.dialogue.requests.dlq", "w", 16, 0.9, 16, Duration.ofMillis(50), Duration.ofSeconds(1));
    }
}
