package io.mopao.story.messaging;

import io.mopao.events.outbox.OutboxRelay;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Runs the outbox relay of story-engine's database (one active relay among all replicas, by advisory lock). */
@Singleton
public class OutboxPublisher {

    /** CloudEvents source of story-engine's events. */
    public static final String SOURCE = "/mopao/story-engine";

    private final Pool pool;
    private final String bootstrapServers;
    private volatile OutboxRelay relay;

    public OutboxPublisher(Pool pool, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.pool = pool;
        this.bootstrapServers = bootstrapServers;
    }

    void onStart(@Observes StartupEvent event) {
        OutboxRelay.Settings defaults = OutboxRelay.Settings.defaults();
        relay = OutboxRelay.create(pool, bootstrapServers, "story-engine-outbox", new OutboxRelay.Settings(defaults.batchSize(),
            java.time.Duration.ofMillis(50), defaults.maxBackoff(), defaults.sendTimeout(), defaults.keepPublished(), 0x53746F7279L));
        relay.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        OutboxRelay r = relay;
        if (r != null) {
            r.close();
        }
    }

    /** Publishes right away instead of at the next poll (call after a transaction that appended events committed). */
    public void wakeUp() {
        OutboxRelay r = relay;
        if (r != null) {
            r.wakeUp();
        }
    }
}
