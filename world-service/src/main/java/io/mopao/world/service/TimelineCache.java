package io.mopao.world.service;

import io.mopao.world.config.WorldConfig;
import io.mopao.world.mapping.FeedDtos.PostCard;
import io.mopao.world.mapping.Json;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.sortedset.ZRangeArgs;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis side of the feed. Keys (prefix {@code mopao:world:}):
 * <ul>
 *   <li>{@code tl:<user>} sorted set of post ids scored by creation time (epoch ms), capped; {@code tl:<user>:ok}
 *   marks a timeline that was built from the database (absent = rebuild on the next read)</li>
 *   <li>{@code trending} sorted set of post ids by hotness</li>
 *   <li>{@code card:<post>} the post card JSON; {@code likes} and {@code comments} hashes of counters</li>
 * </ul>
 * The database stays the source of truth; everything here can be rebuilt from it.
 */
@ApplicationScoped
public class TimelineCache {

    private final String prefix;
    private final int maxEntries;
    private final Duration ttl;
    private final int trendingSize;
    private final ReactiveSortedSetCommands<String, String> zsets;
    private final ReactiveValueCommands<String, String> values;
    private final ReactiveHashCommands<String, String, Integer> counters;
    private final ReactiveKeyCommands<String> keys;

    public TimelineCache(ReactiveRedisDataSource redis, WorldConfig config) {
        this.prefix = config.timeline().keyPrefix();
        this.maxEntries = config.timeline().maxEntries();
        this.ttl = Duration.ofHours(config.timeline().ttlHours());
        this.trendingSize = config.timeline().trendingSize();
        this.zsets = redis.sortedSet(String.class);
        this.values = redis.value(String.class);
        this.counters = redis.hash(Integer.class);
        this.keys = redis.key();
    }

    private String timeline(String userId) {
        return prefix + "tl:" + userId;
    }

    private String built(String userId) {
        return prefix + "tl:" + userId + ":ok";
    }

    private String card(String postId) {
        return prefix + "card:" + postId;
    }

    /** True when the user's timeline was built and is still cached. */
    public Uni<Boolean> isBuilt(String userId) {
        return keys.exists(built(userId));
    }

    /** Adds (post id, created-at millis) pairs and marks the timeline built. */
    public Uni<Void> build(String userId, Map<String, Double> posts) {
        Uni<Void> add = posts.isEmpty() ? Uni.createFrom().voidItem() : zsets.zadd(timeline(userId), posts).replaceWithVoid();
        return add.chain(() -> zsets.zremrangebyrank(timeline(userId), 0, -(long) maxEntries - 1))
            .chain(() -> keys.expire(timeline(userId), ttl))
            .chain(() -> values.setex(built(userId), ttl.toSeconds(), "1"))
            .replaceWithVoid();
    }

    /**
     * Post ids of a timeline, newest first, created strictly before {@code beforeMillis}. By rank (ZRANGE ... REV), the
     * same command as trending: the first page is one round trip; a later page first counts the newer entries.
     */
    public Uni<List<String>> read(String userId, long beforeMillis, int limit) {
        Uni<Long> offset = beforeMillis == Long.MAX_VALUE ? Uni.createFrom().item(0L)
            : zsets.zcount(timeline(userId), new ScoreRange<>((double) beforeMillis, (double) Long.MAX_VALUE));
        return offset.chain(skip -> zsets.zrange(timeline(userId), skip, skip + limit - 1, new ZRangeArgs().rev()));
    }

    /** Fan-out on write: pushes a post to the given timelines (the author's and every follower's). */
    public Uni<Void> fanOut(String postId, long createdMillis, Collection<String> userIds) {
        List<Uni<Void>> writes = new ArrayList<>(userIds.size());
        for (String user : userIds) {
            writes.add(zsets.zadd(timeline(user), createdMillis, postId)
                .chain(() -> zsets.zremrangebyrank(timeline(user), 0, -(long) maxEntries - 1)).replaceWithVoid());
        }
        return join(writes);
    }

    /** Removes a post from the given timelines, from trending, and drops its card. */
    public Uni<Void> removeEverywhere(String postId, Collection<String> userIds) {
        List<Uni<Void>> writes = new ArrayList<>(userIds.size() + 2);
        for (String user : userIds) {
            writes.add(zsets.zrem(timeline(user), postId).replaceWithVoid());
        }
        writes.add(zsets.zrem(prefix + "trending", postId).replaceWithVoid());
        writes.add(keys.del(card(postId)).replaceWithVoid());
        return join(writes);
    }

    /** Forgets a user's timeline (it is rebuilt from the database on the next read). */
    public Uni<Void> invalidate(String userId) {
        return keys.del(timeline(userId), built(userId)).replaceWithVoid();
    }

    public Uni<Void> putCard(PostCard card, int likes, int comments) {
        return values.set(card(card.id()), Json.write(card.with(null, null, null)))
            .chain(() -> counters.hset(prefix + "likes", card.id(), likes))
            .chain(() -> counters.hset(prefix + "comments", card.id(), comments))
            .replaceWithVoid();
    }

    /** Cards with current counters, in the order of {@code ids}; missing cards are absent from the map. */
    public Uni<Map<String, PostCard>> cards(List<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        String[] cardKeys = ids.stream().map(this::card).toArray(String[]::new);
        String[] fields = ids.toArray(String[]::new);
        Uni<Map<String, String>> raw = values.mget(cardKeys);
        Uni<Map<String, Integer>> likes = counters.hmget(prefix + "likes", fields);
        Uni<Map<String, Integer>> comments = counters.hmget(prefix + "comments", fields);
        return Uni.combine().all().unis(raw, likes, comments).asTuple().map(t -> {
            Map<String, PostCard> out = new HashMap<>();
            for (String id : ids) {
                String json = t.getItem1().get(card(id));
                if (json != null) {
                    PostCard c = Json.read(json, PostCard.class);
                    out.put(id, c.with(t.getItem2().get(id), t.getItem3().get(id), null));
                }
            }
            return out;
        });
    }

    public Uni<Void> setLikes(String postId, int likes) {
        return counters.hset(prefix + "likes", postId, likes).replaceWithVoid();
    }

    public Uni<Void> setComments(String postId, int comments) {
        return counters.hset(prefix + "comments", postId, comments).replaceWithVoid();
    }

    /** Scores a post in trending and trims the set. */
    public Uni<Void> trend(String postId, double hotness) {
        return zsets.zadd(prefix + "trending", hotness, postId)
            .chain(() -> zsets.zremrangebyrank(prefix + "trending", 0, -(long) trendingSize - 1)).replaceWithVoid();
    }

    /** Top trending post ids. */
    public Uni<List<String>> trending(int limit) {
        return zsets.zrange(prefix + "trending", 0, limit - 1, new ZRangeArgs().rev());
    }

    /** Reddit-style hotness: log of engagement plus recency (45000 s per order of magnitude). */
    public static double hotness(int likes, int comments, long createdEpochSeconds) {
        return Math.log10(Math.max(1, 1 + likes + 2 * comments)) + createdEpochSeconds / 45_000.0;
    }

    private static Uni<Void> join(List<Uni<Void>> writes) {
        return writes.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(writes).andFailFast().replaceWithVoid();
    }
}
