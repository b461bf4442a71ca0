package io.mopao.runtime.app;

import io.mopao.runtime.testing.KafkaTestTopics;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Private dialogue topics on the real broker, created before the application starts, and the configuration that
 * points the application's own worker at them (enabled, unlike the other {@code @QuarkusTest}s).
 */
public class PrivateDialogueTopics implements QuarkusTestResourceLifecycleManager {
    /** The topics' suffix: the same in the resource's and the test's class loaders. */
    public static final String SUFFIX = "app-" + ProcessHandle.current().pid();
    /** The worker id the application runs with. */
    public static final String WORKER_ID = "app-worker";

    private KafkaTestTopics topics;

    @Override
    public Map<String, String> start() {
        topics = KafkaTestTopics.create(SUFFIX, 2);
        return Map.of(
            "mopao.runtime.worker.enabled", "true",
            "mopao.runtime.worker.requests-topic", topics.requests,
            "mopao.runtime.worker.events-topic", topics.events,
            "mopao.runtime.worker.control-topic", topics.control,
            "mopao.runtime.worker.dead-letter-topic", topics.deadLetters,
            "mopao.runtime.worker.group-id", topics.group,
            "mopao.runtime.worker.drain-timeout", "5s",
            "mopao.runtime.worker-id", WORKER_ID);
    }

    @Override
    public void stop() {
        if (topics != null) {
            topics.close();
        }
    }
}
