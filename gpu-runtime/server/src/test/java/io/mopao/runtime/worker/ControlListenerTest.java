package io.mopao.runtime.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mopao.runtime.testing.KafkaTestTopics;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** On the real broker: a worker whose control topic is missing refuses to start instead of never seeing cancellations. */
class ControlListenerTest {

    @Test
    void aMissingControlTopicFailsTheStartWithTheTopicsName() {
        String topic = "mopao.test.missing-control-" + UUID.randomUUID();
        try (ControlListener listener = new ControlListener(KafkaTestTopics.BOOTSTRAP, topic, "control-test", c -> { })) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> listener.start(Duration.ofSeconds(60)));
            assertTrue(e.getMessage().contains("the control topic " + topic + " does not exist"), e.getMessage());
            await().atMost(Duration.ofSeconds(10)).until(() -> !listener.isAlive());
        }
    }

    @Test
    void anExistingControlTopicStartsAndRuns() throws Exception {
        try (KafkaTestTopics topics = new KafkaTestTopics(1);
             ControlListener listener = new ControlListener(KafkaTestTopics.BOOTSTRAP, topics.control, "control-test", c -> { })) {
            listener.start(Duration.ofSeconds(60));
            assertTrue(listener.isAlive());
        }
    }
}
