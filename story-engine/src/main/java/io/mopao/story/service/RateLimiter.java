package io.mopao.story.service;

import io.mopao.story.config.StoryConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;

/**
 * Per-player turn rate limit: a fixed window counter in Redis ({@code INCR} + {@code EXPIRE}), shared by every replica.
 * Emits empty when the turn may start, or how long to wait.
 */
@ApplicationScoped
public class RateLimiter {

    private final ReactiveValueCommands<String, Long> counters;
    private final ReactiveKeyCommands<String> keys;
    private final StoryConfig config;

    public RateLimiter(ReactiveRedisDataSource redis, StoryConfig config) {
        this.counters = redis.value(Long.class);
        this.keys = redis.key();
        this.config = config;
    }

    public Uni<Optional<Duration>> acquire(String userId) {
        long windowMs = config.rateWindow().toMillis();
        long now = System.currentTimeMillis();
        long window = now / windowMs;
        String key = "mopao:story:rate:" + userId + ":" + window;
        Duration retryAfter = Duration.ofMillis((window + 1) * windowMs - now);
        return counters.incr(key)
            .flatMap(count -> count == 1 ? keys.pexpire(key, windowMs + 1000).replaceWith(count) : Uni.createFrom().item(count))
            .map(count -> count > config.turnsPerWindow() ? Optional.of(retryAfter) : Optional.<Duration>empty());
    }
}
