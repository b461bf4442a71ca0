package io.mopao.service.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mopao.events.outbox.OutboxRelay;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboxConfigTest {

    private static OutboxConfig config(Map<String, String> properties) {
        // as Quarkus does: ${...} expressions expanded, "100ms"-style durations
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors().withMapping(OutboxConfig.class)
            .withConverter(Duration.class, 100, new DurationConverter()).withDefaultValues(properties).build();
        return config.getConfigMapping(OutboxConfig.class);
    }

    @Test
    void defaultsAreTheRelayDefaultsNamedAfterTheApplication() {
        OutboxConfig config = config(Map.of("quarkus.application.name", "world-service"));
        assertEquals(OutboxRelay.Settings.defaults(), OutboxPublisher.settings(config));
        assertEquals("world-service-outbox", config.clientId());
        assertEquals("/mopao/world-service", config.source());
    }

    @Test
    void everySettingCanBeChangedPerService() {
        OutboxConfig config = config(Map.of("quarkus.application.name", "story-engine", "mopao.outbox.poll-interval", "50ms",
            "mopao.outbox.lock-id", "358435746425", "mopao.outbox.batch-size", "50", "mopao.outbox.source", "/mopao/story",
            "mopao.outbox.keep-published", "2h"));
        OutboxRelay.Settings settings = OutboxPublisher.settings(config);
        assertEquals(Duration.ofMillis(50), settings.pollInterval());
        assertEquals(0x53746F7279L, settings.lockId());
        assertEquals(50, settings.batchSize());
        assertEquals(Duration.ofHours(2), settings.keepPublished());
        assertEquals("/mopao/story", config.source());
    }
}
