package io.mopao.service.outbox;

import io.mopao.events.outbox.OutboxRelay;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs the outbox relay of this service's database from start to shutdown: rows appended in the same transaction as
 * each change ({@code HibernateOutbox} or {@code Outbox}) are published to Kafka in commit order, with at most one
 * record per key in flight, by the one replica that holds the advisory lock (see {@link OutboxRelay}).
 */
@Singleton
public class OutboxPublisher {

    private final Pool pool;
    private final String bootstrapServers;
    private final OutboxConfig config;
    private volatile OutboxRelay relay;

    public OutboxPublisher(Pool pool, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, OutboxConfig config) {
        this.pool = pool;
        this.bootstrapServers = bootstrapServers;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        OutboxRelay started = OutboxRelay.create(pool, bootstrapServers, config.clientId(), settings(config));
        started.start();
        relay = started;
    }

    void stop(@Observes ShutdownEvent event) {
        OutboxRelay r = relay;
        relay = null;
        if (r != null) {
            r.close();
        }
    }

    /** Publishes right away instead of at the next poll; call after a transaction that appended events committed. */
    public void wakeUp() {
        OutboxRelay r = relay;
        if (r != null) {
            r.wakeUp();
        }
    }

    /** The relay settings the configuration asks for. */
    static OutboxRelay.Settings settings(OutboxConfig config) {
        return new OutboxRelay.Settings(config.batchSize(), config.pollInterval(), config.maxBackoff(), config.sendTimeout(),
            config.keepPublished(), config.lockId());
    }
}
