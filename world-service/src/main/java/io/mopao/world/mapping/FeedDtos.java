package io.mopao.world.mapping;

import io.mopao.events.story.TranscriptShared.SharedMessage;
import io.mopao.world.repository.CommentEntity;
import io.mopao.world.repository.PostEntity;
import java.time.Instant;
import java.util.List;

/** Bodies of the social feed API. */
public final class FeedDtos {

    private FeedDtos() {
    }

    /** A short excerpt of a shared message for cards. */
    public record Preview(String speakerName, String role, String content) {
    }

    /**
     * A post as timelines show it (cached in Redis as JSON; counters are kept beside it).
     *
     * @param reason in a home timeline: followed (a creator you follow or you) or trending
     */
    public record PostCard(String id, String authorId, String authorName, String title, String caption, String worldId,
        List<String> characterIds, String contentRating, int messageCount, List<Preview> preview, Instant createdAt, Integer likeCount,
        Integer commentCount, String reason) {

        public static PostCard of(PostEntity p) {
            List<Preview> preview = p.messages.stream().limit(3)
                .map(m -> new Preview(m.speakerName(), m.role(), m.content() == null ? "" : m.content().length() > 280
                    ? m.content().substring(0, 280) + "…" : m.content()))
                .toList();
            return new PostCard(p.id.toString(), p.authorId, p.authorName, p.title, p.caption, p.worldId, p.characterIds, p.contentRating,
                p.messageCount, preview, p.createdAt, p.likeCount, p.commentCount, null);
        }

        public PostCard with(Integer likes, Integer comments, String why) {
            return new PostCard(id, authorId, authorName, title, caption, worldId, characterIds, contentRating, messageCount, preview,
                createdAt, likes, comments, why);
        }
    }

    /** A post with its whole transcript. */
    public record PostView(String id, String shareId, String sessionId, String authorId, String authorName, String title, String caption,
        String worldId, List<String> characterIds, String leafMessageId, String contentRating, List<SharedMessage> messages,
        int likeCount, int commentCount, boolean hidden, boolean likedByMe, Instant sharedAt, Instant createdAt) {

        public static PostView of(PostEntity p, boolean likedByMe) {
            return new PostView(p.id.toString(), p.shareId, p.sessionId, p.authorId, p.authorName, p.title, p.caption, p.worldId,
                p.characterIds, p.leafMessageId, p.contentRating, p.messages, p.likeCount, p.commentCount, p.hidden, likedByMe, p.sharedAt,
                p.createdAt);
        }
    }

    /** A page of timeline cards; pass {@code nextBefore} as {@code before} for the next page. */
    public record Timeline(List<PostCard> items, Long nextBefore, String servedFrom) {
    }

    /** Like state after a like/unlike. */
    public record LikeState(String postId, boolean liked, int likeCount) {
    }

    /** New comment; {@code parentId} makes it a reply to a top-level comment. */
    public record CommentInput(String body, String parentId) {
    }

    /** A comment with its replies (one level). */
    public record CommentView(String id, String postId, String parentId, String authorId, String authorName, String body, boolean hidden,
        Instant createdAt, List<CommentView> replies) {

        public static CommentView of(CommentEntity c, List<CommentView> replies) {
            return new CommentView(c.id.toString(), c.postId.toString(), c.parentId == null ? null : c.parentId.toString(), c.authorId,
                c.authorName, c.body, c.hidden, c.createdAt, replies);
        }
    }

    /**
     * What story-engine needs to fork a shared story into a new session ("play from here").
     *
     * @param forkMessageId the message the new session continues from
     * @param messages the shared transcript up to and including that message
     */
    public record PlayFromHere(String postId, String shareId, String sourceSessionId, String worldId, List<String> characterIds,
        String forkMessageId, List<SharedMessage> messages) {
    }

    /** A creator's public profile. */
    public record Profile(String userId, String displayName, String bio, String avatarUrl, long followers, long following, long posts,
        boolean followedByMe, List<WorldDtos.WorldSummary> worlds) {
    }

    /** Profile changes by its owner. */
    public record ProfileInput(String bio, String avatarUrl) {
    }

    /** Follow state. */
    public record FollowState(String creatorId, boolean following) {
    }

    /** A report by a user. */
    public record ReportInput(String targetType, String targetId, String reason) {
    }

    /** A report as moderators see it. */
    public record ReportView(String id, String targetType, String targetId, String reporterId, String reason, String status,
        Instant createdAt, Instant resolvedAt) {
    }

    /** A moderator action: hide or restore a post, comment or world. */
    public record ActionInput(String action, String targetType, String targetId, String reason) {
    }

    /** One audit-trail row. */
    public record ActionView(String id, String moderatorId, String action, String targetType, String targetId, String reason,
        Instant createdAt) {
    }
}
