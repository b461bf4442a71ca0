package io.mopao.character.messaging;

import io.mopao.events.outbox.OutboxRelay;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs the outbox relay of this service's database: rows written by {@link CharacterEvents} in the same transaction as
 * each change are published to Kafka in commit order (one active relay per database, elected by an advisory lock),
 * one record at a time through {@link SynchronousProducer}.
 */
@Singleton
public class OutboxPublisher {

    private final Pool pool;
    private final String bootstrapServers;
    private OutboxRelay relay;

    public OutboxPublisher(Pool pool, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.pool = pool;
        this.bootstrapServers = bootstrapServers;
    }

    void start(@Observes StartupEvent event) {
        OutboxRelay.Settings settings = OutboxRelay.Settings.defaults();
        Map<String, Object> producerConfig = OutboxRelay.producerConfig(bootstrapServers, "character-service-outbox", settings);
        relay = new OutboxRelay(pool, SynchronousProducer.create(() -> new KafkaProducer<>(producerConfig), settings.sendTimeout()),
            settings);
        relay.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (relay != null) {
            relay.close();
        }
    }
}
