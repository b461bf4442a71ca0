package io.mopao.world.service;

import io.mopao.world.config.WorldConfig;
import io.mopao.world.mapping.FeedDtos.PostCard;
import io.mopao.world.mapping.Json;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ZRangeArgs;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Redis side of the feed. Keys (prefix {@code mopao:world:}):
 * <ul>
 *   <li>{@code tl:<user>} sorted set of post ids scored by creation time (epoch ms), capped; {@code tl:<user>:ok}
 *   marks a timeline that was built from the database (absent = rebuild on the next read)</li>
 *   <li>{@code trending} sorted set of post ids by hotness</li>
 *   <li>{@code card:<post>} the post card JSON; {@code likes} and {@code comments} hashes of counters</li>
 * </ul>
 * The database stays the source of truth; everything here can be rebuilt from it.
 *
 * <p>The home-timeline read ({@link #page}, {@link #cards}) sends its commands as pipelined batches: each batch takes one
 * pooled connection for one round trip, instead of one connection per command. With one command per connection, 50
 * concurrent readers overflowed the client's connection wait queue and most pages fell back to PostgreSQL.
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
    private final Redis batches;
    /** Decoded cards by post id, with the JSON they were decoded from; bounded by {@link #MAX_DECODED} (cleared when full). */
    private final Map<String, DecodedCard> decoded = new ConcurrentHashMap<>();

    /** Most decoded cards kept in memory (a few MiB); well above the cards that busy timelines and trending show. */
    static final int MAX_DECODED = 4096;

    private record DecodedCard(String json, PostCard card) {
    }

    /**
     * The first round trip of a home-timeline read.
     *
     * @param built the timeline was built from the database and is still cached ({@code tl:<user>:ok} exists)
     * @param ids post ids of the page, newest first
     * @param trending top trending post ids (empty when none were asked for)
     */
    public record Page(boolean built, List<String> ids, List<String> trending) {
    }

    public TimelineCache(ReactiveRedisDataSource redis, WorldConfig config) {
        this.prefix = config.timeline().keyPrefix();
        this.maxEntries = config.timeline().maxEntries();
        this.ttl = Duration.ofHours(config.timeline().ttlHours());
        this.trendingSize = config.timeline().trendingSize();
        this.zsets = redis.sortedSet(String.class);
        this.values = redis.value(String.class);
        this.counters = redis.hash(Integer.class);
        this.keys = redis.key();
        this.batches = redis.getRedis();
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
     * One pipelined round trip: whether the user's timeline is built, up to {@code limit} of its post ids created strictly
     * before {@code beforeMillis} (newest first; {@code Long.MAX_VALUE} for the first page), and the top
     * {@code trendingCount} trending ids. A page of a timeline that is not built is incomplete: rebuild it and read again.
     */
    public Uni<Page> page(String userId, long beforeMillis, int limit, int trendingCount) {
        List<Request> batch = new ArrayList<>(3);
        batch.add(Request.cmd(Command.EXISTS).arg(built(userId)));
        batch.add(Request.cmd(Command.ZRANGE).arg(timeline(userId)).arg(beforeMillis == Long.MAX_VALUE ? "+inf" : "(" + beforeMillis)
            .arg("-inf").arg("BYSCORE").arg("REV").arg("LIMIT").arg(0).arg(limit));
        if (trendingCount > 0) {
            batch.add(Request.cmd(Command.ZRANGE).arg(prefix + "trending").arg(0).arg(trendingCount - 1).arg("REV"));
        }
        return batches.batch(batch).map(replies -> new Page(replies.get(0).getDelegate().toLong() == 1,
            strings(replies.get(1).getDelegate()), trendingCount > 0 ? strings(replies.get(2).getDelegate()) : List.of()));
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

    /**
     * Cards with current counters, missing cards absent from the map: one pipelined round trip ({@code MGET} of the cards,
     * {@code HMGET} of both counter hashes).
     */
    public Uni<Map<String, PostCard>> cards(List<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Request cards = Request.cmd(Command.MGET);
        Request likes = Request.cmd(Command.HMGET).arg(prefix + "likes");
        Request comments = Request.cmd(Command.HMGET).arg(prefix + "comments");
        for (String id : ids) {
            cards.arg(card(id));
            likes.arg(id);
            comments.arg(id);
        }
        return batches.batch(List.of(cards, likes, comments)).map(replies -> {
            Response json = replies.get(0).getDelegate();
            Response likeCounts = replies.get(1).getDelegate();
            Response commentCounts = replies.get(2).getDelegate();
            Map<String, PostCard> out = HashMap.newHashMap(ids.size());
            for (int i = 0; i < ids.size(); i++) {
                Response card = json.get(i);
                if (card != null) {
                    PostCard c = decode(ids.get(i), card.toString());
                    out.put(ids.get(i), c.with(integer(likeCounts.get(i)), integer(commentCounts.get(i)), null));
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

    /**
     * The card of a post from its JSON in Redis. Every timeline page carries the same few dozen hot cards, so parsing each
     * one again was a tenth of the read's CPU: a card whose JSON is unchanged since it was last decoded is reused (the JSON
     * comparison keeps a changed or re-cached card correct).
     */
    private PostCard decode(String postId, String json) {
        DecodedCard known = decoded.get(postId);
        if (known != null && known.json().equals(json)) {
            return known.card();
        }
        PostCard card = Json.read(json, PostCard.class);
        if (decoded.size() >= MAX_DECODED) {
            decoded.clear();
        }
        decoded.put(postId, new DecodedCard(json, card));
        return card;
    }

    private static List<String> strings(Response array) {
        List<String> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            out.add(array.get(i).toString());
        }
        return out;
    }

    private static Integer integer(Response counter) {
        return counter == null ? null : counter.toInteger();
    }

    private static Uni<Void> join(List<Uni<Void>> writes) {
        return writes.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(writes).andFailFast().replaceWithVoid();
    }
}
