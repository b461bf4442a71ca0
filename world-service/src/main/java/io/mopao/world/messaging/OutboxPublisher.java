package io.mopao.world.messaging;

import io.mopao.events.outbox.OutboxRelay;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Runs the outbox relay that publishes this service's events (worlds topic) in commit order. */
@Singleton
public class OutboxPublisher {

    /** CloudEvents source of this service. */
    public static final String SOURCE = "/mopao/world-service";

    private final Pool pool;
    private final String bootstrapServers;
    private volatile OutboxRelay relay;

    public OutboxPublisher(Pool pool, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.pool = pool;
        this.bootstrapServers = bootstrapServers;
    }

    void start(@Observes StartupEvent event) {
        relay = OutboxRelay.create(pool, bootstrapServers, "world-service-outbox", OutboxRelay.Settings.defaults());
        relay.start();
    }

    void stop(@Observes ShutdownEvent event) {
        OutboxRelay r = relay;
        relay = null;
        if (r != null) {
            r.close();
        }
    }

    /** Nudges the relay right after a transaction that wrote events committed. */
    public void wakeUp() {
        OutboxRelay r = relay;
        if (r != null) {
            r.wakeUp();
        }
    }
}
