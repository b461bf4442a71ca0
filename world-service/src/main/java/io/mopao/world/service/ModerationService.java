package io.mopao.world.service;

import io.mopao.service.error.ApiException;
import io.mopao.service.outbox.OutboxPublisher;
import io.mopao.world.mapping.FeedDtos.ActionInput;
import io.mopao.world.mapping.FeedDtos.ActionView;
import io.mopao.world.mapping.FeedDtos.ReportInput;
import io.mopao.world.mapping.FeedDtos.ReportView;
import io.mopao.world.repository.CommentEntity;
import io.mopao.world.repository.ModerationActionEntity;
import io.mopao.world.repository.PostEntity;
import io.mopao.world.repository.ReportEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Reports by users; hide/restore by moderators, each recorded in the audit trail (moderation_action). */
@ApplicationScoped
public class ModerationService {

    private static final Set<String> TARGETS = Set.of("post", "comment", "world");

    private final FeedService feed;
    private final WorldService worlds;
    private final OutboxPublisher publisher;

    public ModerationService(FeedService feed, WorldService worlds, OutboxPublisher publisher) {
        this.feed = feed;
        this.worlds = worlds;
        this.publisher = publisher;
    }

    /** Files a report (one per user and target; repeating it changes nothing). */
    public Uni<Void> report(CurrentUser user, ReportInput in) {
        Checks c = new Checks();
        c.require(in != null, "a JSON body is required");
        c.throwIfAny("the report is invalid");
        c.oneOf(in.targetType(), "targetType", TARGETS);
        c.text(in.reason(), "reason", 2000, true);
        UUID target = parse(in.targetId(), c);
        c.throwIfAny("the report is invalid");
        return Panache.withTransaction(() -> exists(user, in.targetType(), target).chain(() -> Panache.getSession()).chain(s -> s
            .createNativeQuery("INSERT INTO report (id, target_type, target_id, reporter_id, reason, status, created_at) "
                + "VALUES (?1, ?2, ?3, ?4, ?5, 'open', now()) ON CONFLICT (target_type, target_id, reporter_id) DO NOTHING")
            .setParameter(1, UUID.randomUUID()).setParameter(2, in.targetType()).setParameter(3, target).setParameter(4, user.id())
            .setParameter(5, in.reason().strip()).executeUpdate())).replaceWithVoid();
    }

    @WithSession
    public Uni<List<ReportView>> reports(String status) {
        return ReportEntity.<ReportEntity>list("status = ?1 order by createdAt", status == null ? "open" : status)
            .map(list -> list.stream().map(r -> new ReportView(r.id.toString(), r.targetType, r.targetId.toString(), r.reporterId, r.reason,
                r.status, r.createdAt, r.resolvedAt)).toList());
    }

    /** Applies hide or restore, records it, resolves open reports on a hide, then updates the caches. */
    public Uni<ActionView> act(CurrentUser moderator, ActionInput in) {
        Checks c = new Checks();
        c.require(in != null, "a JSON body is required");
        c.throwIfAny("the action is invalid");
        c.oneOf(in.action(), "action", Set.of("hide", "restore"));
        c.oneOf(in.targetType(), "targetType", TARGETS);
        c.text(in.reason(), "reason", 2000, true);
        UUID target = parse(in.targetId(), c);
        c.throwIfAny("the action is invalid");
        boolean hide = in.action().equals("hide");
        return Panache.withTransaction(() -> apply(in.targetType(), target, hide).chain(post -> {
            ModerationActionEntity a = new ModerationActionEntity();
            a.id = UUID.randomUUID();
            a.moderatorId = moderator.id();
            a.action = in.action();
            a.targetType = in.targetType();
            a.targetId = target;
            a.reason = in.reason().strip();
            a.createdAt = Instant.now();
            Uni<Integer> resolve = hide
                ? Panache.getSession().chain(s -> s.createNativeQuery("UPDATE report SET status = 'resolved', resolved_at = now() "
                    + "WHERE target_type = ?1 AND target_id = ?2 AND status = 'open'").setParameter(1, in.targetType())
                    .setParameter(2, target).executeUpdate())
                : Uni.createFrom().item(0);
            return resolve.chain(() -> a.<ModerationActionEntity>persist()).map(saved -> new Object[] {saved, post});
        }))
            .call(pair -> {
                publisher.wakeUp();
                PostEntity post = (PostEntity) pair[1];
                if (post == null) {
                    return Uni.createFrom().voidItem();
                }
                return hide ? feed.postHidden(post) : feed.postRestored(post);
            })
            .map(pair -> view((ModerationActionEntity) pair[0]));
    }

    /** The audit trail, newest first, optionally for one target. */
    @WithSession
    public Uni<List<ActionView>> audit(String targetId) {
        Uni<List<ModerationActionEntity>> rows;
        if (targetId == null || targetId.isBlank()) {
            rows = ModerationActionEntity.<ModerationActionEntity>find("order by createdAt desc").page(0, 200).list();
        } else {
            Checks c = new Checks();
            UUID id = parse(targetId, c);
            c.throwIfAny("invalid targetId");
            rows = ModerationActionEntity.list("targetId = ?1 order by createdAt desc", id);
        }
        return rows.map(list -> list.stream().map(ModerationService::view).toList());
    }

    /** Sets the hidden flag; returns the post when the target is a post (its caches change after the commit). */
    private Uni<PostEntity> apply(String type, UUID id, boolean hide) {
        return switch (type) {
            case "post" -> PostEntity.<PostEntity>findById(id).map(p -> {
                if (p == null) {
                    throw ApiException.notFound("post");
                }
                p.hidden = hide;
                return p;
            });
            case "comment" -> CommentEntity.<CommentEntity>findById(id).chain(cm -> {
                if (cm == null) {
                    throw ApiException.notFound("comment");
                }
                boolean changed = cm.hidden != hide;
                cm.hidden = hide;
                return !changed ? Uni.createFrom().nullItem() : Panache.getSession().chain(s -> s.createNativeQuery(
                        "UPDATE post SET comment_count = greatest(0, comment_count " + (hide ? "-" : "+") + " 1) WHERE id = ?1")
                    .setParameter(1, cm.postId).executeUpdate()).replaceWith((PostEntity) null);
            });
            case "world" -> worlds.setHidden(id, hide).replaceWith((PostEntity) null);
            default -> throw ApiException.validation("unknown target type", List.of());
        };
    }

    private Uni<Void> exists(CurrentUser user, String type, UUID id) {
        return switch (type) {
            case "post" -> feed.visiblePost(user, id).replaceWithVoid();
            case "comment" -> CommentEntity.<CommentEntity>findById(id).map(cm -> {
                if (cm == null || cm.hidden) {
                    throw ApiException.notFound("comment");
                }
                return null;
            }).replaceWithVoid();
            case "world" -> worlds.visible(user, id).replaceWithVoid();
            default -> throw ApiException.validation("unknown target type", List.of());
        };
    }

    private static ActionView view(ModerationActionEntity a) {
        return new ActionView(a.id.toString(), a.moderatorId, a.action, a.targetType, a.targetId.toString(), a.reason, a.createdAt);
    }

    private static UUID parse(String id, Checks c) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            c.require(false, "targetId must be an id");
            return null;
        }
    }
}
