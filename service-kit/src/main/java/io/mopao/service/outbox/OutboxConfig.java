package io.mopao.service.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The outbox of this service ({@code mopao.outbox.*}). The defaults are {@code OutboxRelay.Settings.defaults()}; the
 * table is always {@code mopao_outbox}, created by the shared migration {@code db/mopao/R__mopao_outbox_inbox.sql}.
 */
@ConfigMapping(prefix = "mopao.outbox")
public interface OutboxConfig {

    /** CloudEvents {@code source} of the events this service appends. */
    @WithDefault("/mopao/${quarkus.application.name}")
    String source();

    /** Kafka client id of the relay's producer (shows in broker logs and metrics). */
    @WithDefault("${quarkus.application.name}-outbox")
    String clientId();

    /** Outbox rows read per pass. */
    @WithDefault("500")
    int batchSize();

    /** Pause when nothing is pending (a committed change can cut it short with {@link OutboxPublisher#wakeUp()}). */
    @WithDefault("100ms")
    Duration pollInterval();

    /** Longest pause after repeated failures, and how often a standby replica asks for the relay's lock. */
    @WithDefault("5s")
    Duration maxBackoff();

    /** How long the relay waits for the broker to acknowledge one batch before it sends the rest again. */
    @WithDefault("30s")
    Duration sendTimeout();

    /** How long published rows are kept before they are purged. */
    @WithDefault("24h")
    Duration keepPublished();

    /** PostgreSQL advisory lock id that elects the one active relay of this database (default 0x4D6F70616F, "Mopao"). */
    @WithDefault("332582117743")
    long lockId();
}
