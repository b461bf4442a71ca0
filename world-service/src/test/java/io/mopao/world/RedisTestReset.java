package io.mopao.world;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Tests use Redis database 5 (see application.properties) and a freshly cleaned PostgreSQL schema; this empties that
 * Redis database at start so no timeline or card of an earlier run survives.
 */
@ApplicationScoped
class RedisTestReset {

    void reset(@Observes StartupEvent event, RedisDataSource redis) {
        redis.execute("FLUSHDB");
    }
}
