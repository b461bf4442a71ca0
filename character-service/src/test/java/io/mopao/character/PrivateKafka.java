package io.mopao.character;

import io.mopao.events.Topic;
import io.mopao.events.testing.KafkaBrokerProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * A private, real Kafka broker for this module's tests (on free ports, so two runs of them do not collide), so a test
 * can kill and restart "the broker" without touching the shared one on 9092. The app's outbox relay publishes to it;
 * topics are created from the catalogue.
 */
public class PrivateKafka implements QuarkusTestResourceLifecycleManager {

    private static KafkaBrokerProcess broker;

    public static KafkaBrokerProcess broker() {
        return broker;
    }

    public static String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /**
     * Starts the killed broker again. On a loaded machine the broker can take longer than the 60 s that
     * {@link KafkaBrokerProcess#start()} waits; its process keeps starting, so this waits for the port a while more.
     */
    public static void restart() throws Exception {
        try {
            broker.start();
        } catch (IllegalStateException slow) {
            if (!slow.getMessage().contains("did not start")) {
                throw slow;
            }
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(180);
            while (!accepts()) {
                if (System.nanoTime() > deadline) {
                    throw slow;
                }
                Thread.sleep(500);
            }
        }
    }

    private static boolean accepts() {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", broker.port()), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("mopao-character-kafka");
            broker = KafkaBrokerProcess.onFreePorts(dir);
            broker.start();
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (Admin admin = Admin.create(props)) {
                Topic topic = Topic.CHARACTERS;
                admin.createTopics(List.of(new NewTopic(topic.topicName(), topic.partitions(), (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, topic.cleanupPolicy().kafkaName())))).all().get();
            }
            return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the private test broker: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        try {
            if (broker != null) {
                broker.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
