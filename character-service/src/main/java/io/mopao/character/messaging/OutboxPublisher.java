package io.mopao.character.messaging;

import io.mopao.events.outbox.OutboxRelay;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs the outbox relay of this service's database: rows written by {@link CharacterEvents} in the same transaction as
 * each change are published to Kafka in commit order (one active relay per database, elected by an advisory lock;
 * at most one record per key in flight, see {@link OutboxRelay}).
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
        relay = OutboxRelay.create(pool, bootstrapServers, "character-service-outbox", OutboxRelay.Settings.defaults());
        relay.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (relay != null) {
            relay.close();
        }
    }
}
