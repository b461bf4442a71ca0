package io.mopao.story.it;

import io.mopao.events.testing.KafkaBrokerProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * A private, real Kafka broker for this module's tests. The shared broker on 9092 also carries other engineers'
 * running gpu-runtime workers, which would answer (and so race) the GenerateTurn requests of these tests; on a
 * private broker the test-side worker is the only runtime. Topics are created on first use.
 */
public class PrivateKafka implements QuarkusTestResourceLifecycleManager {

    private KafkaBrokerProcess broker;

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createDirectories(Path.of("target", "test-kafka-" + UUID.randomUUID()).toAbsolutePath());
            broker = KafkaBrokerProcess.onFreePorts(dir);
            broker.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the test broker", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        System.setProperty("mopao.kafka.bootstrap", broker.bootstrapServers());
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
    }

    @Override
    public void stop() {
        if (broker != null) {
            try {
                broker.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
