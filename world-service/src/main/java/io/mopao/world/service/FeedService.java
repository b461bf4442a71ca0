package io.mopao.world.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mopao.events.MalformedEventException;
import io.mopao.events.outbox.Inbox;
import io.mopao.events.story.TranscriptShared;
import io.mopao.events.story.TranscriptShared.SharedMessage;
import io.mopao.service.error.ApiException;
import io.mopao.world.config.WorldConfig;
import io.mopao.world.mapping.FeedDtos.CommentInput;
import io.mopao.world.mapping.FeedDtos.CommentView;
import io.mopao.world.mapping.FeedDtos.LikeState;
import io.mopao.world.mapping.FeedDtos.PlayFromHere;
import io.mopao.world.mapping.FeedDtos.PostCard;
import io.mopao.world.mapping.FeedDtos.PostView;
import io.mopao.world.mapping.FeedDtos.Timeline;
import io.mopao.world.repository.CommentEntity;
import io.mopao.world.repository.PostEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The social feed: posts from shared transcripts, likes, comments, home timelines (Redis, fan-out on write, database
 * fallback), trending and "play from here". The database is the truth; Redis work happens after the commit and its
 * failures are logged and counted, never hidden from metrics.
 */
@ApplicationScoped
public class FeedService {

    private static final Logger LOG = Logger.getLogger(FeedService.class);
    /** Inbox consumer name of the TranscriptShared handler. */
    public static final String INBOX_CONSUMER = "world-service.transcript-shared";

    private static final String FOLLOWED_OR_OWN = "(p.author_id = ?1 OR"
        + " p.author_id IN (SELECT followee_id FROM follow WHERE follower_id = ?1))";

    private final TimelineCache cache;
    private final ProfileService profiles;
    private final WorldConfig config;
    private final Inbox inbox = new Inbox(INBOX_CONSUMER);
    private final Counter fallbacks;
    private final Counter cacheWriteFailures;

    public FeedService(TimelineCache cache, ProfileService profiles, WorldConfig config, MeterRegistry metrics) {
        this.cache = cache;
        this.profiles = profiles;
        this.config = config;
        this.fallbacks = Counter.builder("mopao.timeline.fallback").description("home timeline reads served from PostgreSQL "
            + "because Redis failed").register(metrics);
        this.cacheWriteFailures = Counter.builder("mopao.timeline.cache.write.failures").description("Redis feed writes that failed "
            + "(timelines are rebuilt from PostgreSQL)").register(metrics);
    }

    // ---- posts from TranscriptShared -------------------------------------------------------------------------------

    /** Checks what the envelope parser cannot: the fields a post needs. Throws MalformedEventException (dead letter). */
    public void check(TranscriptShared shared) {
        if (blank(shared.shareId()) || blank(shared.ownerId()) || blank(shared.sessionId())) {
            throw new MalformedEventException("TranscriptShared lacks shareId, ownerId or sessionId");
        }
        if (shared.messages().isEmpty()) {
            throw new MalformedEventException("TranscriptShared " + shared.shareId() + " has no messages");
        }
        if (shared.messages().size() > config.limits().maxSharedMessages()) {
            throw new MalformedEventException("TranscriptShared " + shared.shareId() + " has " + shared.messages().size()
                + " messages; at most " + config.limits().maxSharedMessages());
        }
    }

    /** Turns a share into a post exactly once (inbox on the event id, unique share id), then fans it out. */
    public Uni<Boolean> publishShared(String eventId, TranscriptShared shared) {
        UUID postId = UUID.nameUUIDFromBytes(("share:" + shared.shareId()).getBytes(StandardCharsets.UTF_8));
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> inbox.firstDelivery(session, eventId)
            .chain(first -> {
                if (!first) {
                    return Uni.createFrom().item((PostEntity) null);
                }
                return PostEntity.<PostEntity>findById(postId).chain(existing -> {
                    if (existing != null) {
                        return Uni.createFrom().item((PostEntity) null);
                    }
                    PostEntity p = new PostEntity();
                    p.id = postId;
                    p.shareId = shared.shareId();
                    p.sessionId = shared.sessionId();
                    p.authorId = shared.ownerId();
                    p.authorName = blank(shared.ownerName()) ? shared.ownerId() : shared.ownerName();
                    p.title = blank(shared.title()) ? "Shared story" : cut(shared.title(), 200);
                    p.caption = shared.caption() == null ? "" : cut(shared.caption(), 2000);
                    p.worldId = shared.worldId();
                    p.characterIds = shared.characterIds();
                    p.leafMessageId = shared.leafMessageId() != null ? shared.leafMessageId()
                        : shared.messages().getLast().id();
                    p.contentRating = blank(shared.contentRating()) ? "general" : shared.contentRating();
                    p.messages = shared.messages();
                    p.messageCount = shared.messages().size();
                    p.sharedAt = shared.sharedAt() == null ? Instant.now() : shared.sharedAt();
                    p.createdAt = Instant.now();
                    return profiles.touch(p.authorId, p.authorName).chain(() -> p.<PostEntity>persist());
                });
            })))
            .call(post -> post == null ? Uni.createFrom().voidItem() : distribute(post))
            .map(post -> post != null);
    }

    /** After the commit: card, trending, and fan-out to the author and every follower. */
    private Uni<Void> distribute(PostEntity post) {
        PostCard card = PostCard.of(post);
        return Panache.withSession(() -> audienceOf(post.authorId))
            .chain(audience -> cache.putCard(card, post.likeCount, post.commentCount)
                .chain(() -> cache.fanOut(card.id(), post.createdAt.toEpochMilli(), audience))
                .chain(() -> cache.trend(card.id(), TimelineCache.hotness(post.likeCount, post.commentCount,
                    post.createdAt.getEpochSecond()))))
            .onFailure().recoverWithUni(e -> cacheFailed("fan-out of post " + post.id, e));
    }

    /** The author and their followers: whose timelines show the author's posts. */
    @SuppressWarnings("unchecked")
    Uni<List<String>> audienceOf(String authorId) {
        return Panache.getSession().chain(s -> s.createNativeQuery("SELECT follower_id FROM follow WHERE followee_id = ?1", String.class)
            .setParameter(1, authorId).getResultList())
            .map(list -> {
                List<String> audience = new ArrayList<>((List<String>) list);
                audience.add(authorId);
                return audience;
            });
    }

    // ---- reading --------------------------------------------------------------------------------------------------

    @WithSession
    public Uni<PostView> get(CurrentUser user, UUID id) {
        return visiblePost(user, id).chain(post -> likedBy(user, id).map(liked -> PostView.of(post, liked)));
    }

    @WithSession
    public Uni<PlayFromHere> playFromHere(CurrentUser user, UUID id, String messageId) {
        return visiblePost(user, id).map(post -> {
            String fork = messageId == null || messageId.isBlank() ? post.leafMessageId : messageId;
            List<SharedMessage> prefix = new ArrayList<>();
            boolean found = false;
            for (SharedMessage m : post.messages) {
                prefix.add(m);
                if (m.id() != null && m.id().equals(fork)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                throw ApiException.validation("message " + fork + " is not part of this shared story", List.of());
            }
            return new PlayFromHere(post.id.toString(), post.shareId, post.sessionId, post.worldId, post.characterIds, fork, prefix);
        });
    }

    /**
     * Home timeline: posts of followed creators (and one's own) from Redis, newest first, with trending posts blended into
     * the first page. Falls back to PostgreSQL when Redis fails, and rebuilds a timeline that is not cached.
     */
    public Uni<Timeline> home(CurrentUser user, Long before, int limit) {
        int size = Math.clamp(limit, 1, 50);
        long cursor = before == null ? Long.MAX_VALUE : before;
        return fromRedis(user.id(), cursor, size, before == null)
            .onFailure(e -> !(e instanceof ApiException)).recoverWithUni(e -> {
                fallbacks.increment();
                LOG.warnf("home timeline of %s served from PostgreSQL: Redis failed (%s)", user.id(), e.toString());
                return Panache.withSession(() -> fromDatabase(user.id(), cursor, size));
            });
    }

    /**
     * Two Redis round trips when the timeline is cached: the page of ids with trending ids, then cards and counters. A
     * timeline that is not built is rebuilt from PostgreSQL and read again.
     */
    private Uni<Timeline> fromRedis(String userId, long cursor, int size, boolean firstPage) {
        int blend = firstPage ? config.timeline().trendingBlend() : 0;
        return cache.page(userId, cursor, size, blend * 2)
            .chain(page -> page.built() ? Uni.createFrom().item(page)
                : Panache.withSession(() -> rebuild(userId)).chain(() -> cache.page(userId, cursor, size, blend * 2)))
            .chain(page -> {
                List<String> ids = page.ids();
                Set<String> all = new LinkedHashSet<>(ids);
                all.addAll(page.trending());
                return hydrate(new ArrayList<>(all)).map(cards -> {
                    List<PostCard> items = new ArrayList<>(ids.size() + blend);
                    for (String id : ids) {
                        PostCard c = cards.get(id);
                        if (c != null) {
                            items.add(c.with(c.likeCount(), c.commentCount(), "followed"));
                        }
                    }
                    Long next = ids.size() == size && !items.isEmpty() ? items.getLast().createdAt().toEpochMilli() : null;
                    Set<String> onPage = new HashSet<>(ids);
                    int blended = 0;
                    for (String id : page.trending()) {
                        PostCard c = cards.get(id);
                        if (c != null && !onPage.contains(id) && blended < blend) {
                            items.add(c.with(c.likeCount(), c.commentCount(), "trending"));
                            blended++;
                        }
                    }
                    return new Timeline(items, next, "redis");
                });
            });
    }

    /** Cards for ids from Redis; misses are loaded from PostgreSQL (hidden or deleted posts are dropped) and cached. */
    private Uni<Map<String, PostCard>> hydrate(List<String> ids) {
        return cache.cards(ids).chain(found -> {
            List<UUID> missing = ids.stream().filter(id -> !found.containsKey(id)).map(UUID::fromString).toList();
            if (missing.isEmpty()) {
                return Uni.createFrom().item(found);
            }
            return Panache.withSession(() -> PostEntity.<PostEntity>list("id in ?1 and hidden = false", missing))
                .chain(posts -> {
                    Map<String, PostCard> all = new LinkedHashMap<>(found);
                    Uni<Void> puts = Uni.createFrom().voidItem();
                    for (PostEntity p : posts) {
                        PostCard card = PostCard.of(p);
                        all.put(card.id(), card);
                        puts = puts.chain(() -> cache.putCard(card, p.likeCount, p.commentCount));
                    }
                    return puts.replaceWith(all);
                });
        });
    }

    /** Rebuilds a user's Redis timeline from PostgreSQL (newest posts of followed creators and their own). */
    private Uni<Void> rebuild(String userId) {
        return Panache.getSession().chain(s -> s.createNativeQuery("SELECT p.id::text, p.created_at FROM post p WHERE NOT p.hidden AND "
                + FOLLOWED_OR_OWN + " ORDER BY p.created_at DESC LIMIT " + config.timeline().maxEntries(), Object[].class)
            .setParameter(1, userId).getResultList())
            .chain(rows -> {
                Map<String, Double> posts = new LinkedHashMap<>();
                for (Object row : rows) {
                    Object[] cols = (Object[]) row;
                    posts.put((String) cols[0], (double) toInstant(cols[1]).toEpochMilli());
                }
                return cache.build(userId, posts);
            });
    }

    private Uni<Timeline> fromDatabase(String userId, long cursor, int size) {
        Instant before = cursor == Long.MAX_VALUE ? Instant.now().plusSeconds(3600) : Instant.ofEpochMilli(cursor);
        return Panache.getSession().chain(s -> s.createNativeQuery("SELECT p.* FROM post p WHERE NOT p.hidden AND " + FOLLOWED_OR_OWN
                + " AND p.created_at < ?2 ORDER BY p.created_at DESC LIMIT " + size, PostEntity.class)
            .setParameter(1, userId).setParameter(2, before).getResultList())
            .map(posts -> {
                List<PostCard> items = posts.stream().map(p -> PostCard.of(p).with(p.likeCount, p.commentCount, "followed")).toList();
                Long next = posts.size() == size ? posts.getLast().createdAt.toEpochMilli() : null;
                return new Timeline(items, next, "database");
            });
    }

    /** Trending posts (Redis, falling back to PostgreSQL). */
    public Uni<List<PostCard>> trending(int limit) {
        int size = Math.clamp(limit, 1, 50);
        return cache.trending(size).chain(ids -> hydrate(ids).map(cards -> ids.stream()
                .map(cards::get).filter(c -> c != null).map(c -> c.with(c.likeCount(), c.commentCount(), "trending")).toList()))
            .onFailure(e -> !(e instanceof ApiException)).recoverWithUni(e -> {
                fallbacks.increment();
                LOG.warnf("trending served from PostgreSQL: Redis failed (%s)", e.toString());
                return Panache.withSession(() -> Panache.getSession().chain(s -> s.createNativeQuery("SELECT * FROM post WHERE NOT hidden "
                        + "ORDER BY log(greatest(1, 1 + like_count + 2 * comment_count)) + extract(epoch from created_at) / 45000 DESC "
                        + "LIMIT " + size, PostEntity.class).getResultList()))
                    .map(posts -> posts.stream().map(p -> PostCard.of(p).with(p.likeCount, p.commentCount, "trending")).toList());
            });
    }

    /** A creator's posts, newest first (database). */
    @WithSession
    public Uni<List<PostCard>> postsOf(String authorId, int limit) {
        return PostEntity.<PostEntity>find("authorId = ?1 and hidden = false order by createdAt desc", authorId)
            .page(0, Math.clamp(limit, 1, 50)).list()
            .map(posts -> posts.stream().map(p -> PostCard.of(p).with(p.likeCount, p.commentCount, null)).toList());
    }

    // ---- likes and comments ---------------------------------------------------------------------------------------

    /** Likes a post; idempotent per user and safe under concurrency (primary key + single UPDATE). */
    public Uni<LikeState> like(CurrentUser user, UUID postId, boolean like) {
        return Panache.withTransaction(() -> visiblePost(user, postId).chain(post -> profiles.touch(user.id(), user.name())
            .chain(() -> Panache.getSession()).chain(s -> {
                String change = like
                    ? "INSERT INTO post_like (post_id, user_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING"
                    : "DELETE FROM post_like WHERE post_id = ?1 AND user_id = ?2";
                return s.createNativeQuery(change).setParameter(1, postId).setParameter(2, user.id()).executeUpdate()
                    .chain(changed -> changed == 0
                        ? s.createNativeQuery("SELECT like_count FROM post WHERE id = ?1", Integer.class).setParameter(1, postId)
                            .getSingleResult()
                        : s.createNativeQuery("UPDATE post SET like_count = like_count " + (like ? "+" : "-") + " 1 WHERE id = ?1 "
                            + "RETURNING like_count", Integer.class).setParameter(1, postId).getSingleResult())
                    .map(count -> new PostCounts(post, count, post.commentCount));
            })))
            .call(counts -> cache.setLikes(postId.toString(), counts.likes())
                .chain(() -> cache.trend(postId.toString(), TimelineCache.hotness(counts.likes(), counts.comments(),
                    counts.post().createdAt.getEpochSecond())))
                .onFailure().recoverWithUni(e -> cacheFailed("like counter of " + postId, e)))
            .map(counts -> new LikeState(postId.toString(), like, counts.likes()));
    }

    private record PostCounts(PostEntity post, int likes, int comments) {
    }

    public Uni<CommentView> comment(CurrentUser user, UUID postId, CommentInput input) {
        if (input == null || blank(input.body())) {
            throw ApiException.validation("a comment needs a body", List.of("body is required"));
        }
        if (input.body().length() > config.limits().maxCommentChars()) {
            throw ApiException.validation("the comment is longer than " + config.limits().maxCommentChars() + " characters", List.of());
        }
        return Panache.withTransaction(() -> visiblePost(user, postId).chain(post -> {
            Uni<UUID> parent = Uni.createFrom().nullItem();
            if (!blank(input.parentId())) {
                UUID parentId;
                try {
                    parentId = UUID.fromString(input.parentId());
                } catch (IllegalArgumentException e) {
                    throw ApiException.validation("parentId is not a comment id", List.of());
                }
                parent = CommentEntity.<CommentEntity>findById(parentId).map(p -> {
                    if (p == null || !p.postId.equals(postId) || p.hidden) {
                        throw ApiException.validation("parentId is not a comment of this post", List.of());
                    }
                    if (p.parentId != null) {
                        throw ApiException.validation("replies are one level deep: reply to the top-level comment instead",
                            List.of("reply to " + p.parentId));
                    }
                    return p.id;
                });
            }
            return parent.chain(parentId -> profiles.touch(user.id(), user.name()).chain(() -> {
                CommentEntity c = new CommentEntity();
                c.id = UUID.randomUUID();
                c.postId = postId;
                c.parentId = parentId;
                c.authorId = user.id();
                c.authorName = user.name();
                c.body = input.body().strip();
                c.createdAt = Instant.now();
                return c.<CommentEntity>persist();
            })).chain(c -> Panache.getSession().chain(s -> s.createNativeQuery(
                    "UPDATE post SET comment_count = comment_count + 1 WHERE id = ?1 RETURNING comment_count", Integer.class)
                .setParameter(1, postId).getSingleResult())
                .map(count -> new Object[] {c, new PostCounts(post, post.likeCount, count)}));
        }))
            .call(pair -> {
                PostCounts counts = (PostCounts) pair[1];
                return cache.setComments(postId.toString(), counts.comments())
                    .onFailure().recoverWithUni(e -> cacheFailed("comment counter of " + postId, e));
            })
            .map(pair -> CommentView.of((CommentEntity) pair[0], List.of()));
    }

    /** Comments of a post, threaded one level; hidden comments only for moderators. */
    @WithSession
    public Uni<List<CommentView>> comments(CurrentUser user, UUID postId) {
        return visiblePost(user, postId).chain(post -> CommentEntity.<CommentEntity>list(
                user.moderator() ? "postId = ?1 order by createdAt" : "postId = ?1 and hidden = false order by createdAt", postId))
            .map(all -> {
                Map<UUID, List<CommentView>> replies = new LinkedHashMap<>();
                for (CommentEntity c : all) {
                    if (c.parentId != null) {
                        replies.computeIfAbsent(c.parentId, k -> new ArrayList<>()).add(CommentView.of(c, List.of()));
                    }
                }
                return all.stream().filter(c -> c.parentId == null)
                    .map(c -> CommentView.of(c, replies.getOrDefault(c.id, List.of()))).toList();
            });
    }

    // ---- follows and moderation hooks -----------------------------------------------------------------------------

    /** Follows or unfollows a creator, then adjusts the follower's cached timeline. */
    public Uni<io.mopao.world.mapping.FeedDtos.FollowState> follow(CurrentUser user, String creatorId, boolean follow) {
        return profiles.follow(user, creatorId, follow).call(state -> followChanged(user.id(), creatorId, follow));
    }

    /** After a follow: the followee's recent posts join a cached timeline; after an unfollow the timeline is rebuilt. */
    public Uni<Void> followChanged(String followerId, String followeeId, boolean following) {
        Uni<Void> work;
        if (!following) {
            work = cache.invalidate(followerId);
        } else {
            work = cache.isBuilt(followerId).chain(built -> {
                if (!built) {
                    return Uni.createFrom().voidItem();
                }
                return Panache.withSession(() -> PostEntity.<PostEntity>find("authorId = ?1 and hidden = false order by createdAt desc",
                        followeeId).page(0, 100).list())
                    .chain(posts -> {
                        Uni<Void> adds = Uni.createFrom().voidItem();
                        for (PostEntity p : posts) {
                            adds = adds.chain(() -> cache.fanOut(p.id.toString(), p.createdAt.toEpochMilli(), List.of(followerId)));
                        }
                        return adds;
                    });
            });
        }
        return work.onFailure().recoverWithUni(e -> cacheFailed("timeline of " + followerId + " after a follow change", e));
    }

    /** After a moderator hid a post: gone from every timeline, trending and the card cache. */
    public Uni<Void> postHidden(PostEntity post) {
        return Panache.withSession(() -> audienceOf(post.authorId))
            .chain(audience -> cache.removeEverywhere(post.id.toString(), audience))
            .onFailure().recoverWithUni(e -> cacheFailed("removal of hidden post " + post.id, e));
    }

    /** After a moderator restored a post: back into timelines and trending. */
    public Uni<Void> postRestored(PostEntity post) {
        return distribute(post);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** A post the caller may see: hidden posts are 404 except for moderators (inside a session). */
    public Uni<PostEntity> visiblePost(CurrentUser user, UUID id) {
        return PostEntity.<PostEntity>findById(id).map(post -> {
            if (post == null || (post.hidden && !user.moderator())) {
                throw ApiException.notFound("post");
            }
            return post;
        });
    }

    private Uni<Boolean> likedBy(CurrentUser user, UUID postId) {
        if (user.anonymous()) {
            return Uni.createFrom().item(false);
        }
        return Panache.getSession().chain(s -> s.createNativeQuery("SELECT count(*) FROM post_like WHERE post_id = ?1 AND user_id = ?2",
            Long.class).setParameter(1, postId).setParameter(2, user.id()).getSingleResult()).map(n -> n > 0);
    }

    private Uni<Void> cacheFailed(String what, Throwable e) {
        cacheWriteFailures.increment();
        LOG.warnf("Redis feed write failed (%s): %s; affected timelines are rebuilt from PostgreSQL", what, e.toString());
        return Uni.createFrom().voidItem();
    }

    private static Instant toInstant(Object value) {
        return switch (value) {
            case Instant i -> i;
            case java.time.OffsetDateTime o -> o.toInstant();
            case java.time.LocalDateTime l -> l.toInstant(java.time.ZoneOffset.UTC);
            case java.sql.Timestamp t -> t.toInstant();
            default -> throw new IllegalStateException("unexpected timestamp type " + value.getClass());
        };
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String cut(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }

    static Set<String> set(List<String> values) {
        return new HashSet<>(values);
    }
}
