package io.mopao.world.service;

import io.mopao.service.error.ApiException;
import io.mopao.world.mapping.FeedDtos.FollowState;
import io.mopao.world.mapping.FeedDtos.Profile;
import io.mopao.world.mapping.FeedDtos.ProfileInput;
import io.mopao.world.repository.ProfileEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** Creator profiles and follows. A profile exists once a user has acted here (authored, shared, liked, commented). */
@ApplicationScoped
public class ProfileService {

    private final WorldService worlds;

    public ProfileService(WorldService worlds) {
        this.worlds = worlds;
    }

    /** Creates the profile or refreshes its display name (inside a transaction). */
    public Uni<Void> touch(String userId, String displayName) {
        return Panache.getSession().chain(s -> s.createNativeQuery("INSERT INTO creator_profile (user_id, display_name, updated_at) "
                + "VALUES (?1, ?2, now()) ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name "
                + "WHERE creator_profile.display_name <> EXCLUDED.display_name")
            .setParameter(1, userId).setParameter(2, displayName == null ? userId : displayName).executeUpdate()).replaceWithVoid();
    }

    @WithSession
    public Uni<Profile> get(CurrentUser viewer, String userId) {
        return ProfileEntity.<ProfileEntity>findById(userId).chain(profile -> {
            if (profile == null) {
                throw ApiException.notFound("creator");
            }
            return Panache.getSession().chain(s -> s.createNativeQuery("SELECT (SELECT count(*) FROM follow WHERE followee_id = ?1), "
                    + "(SELECT count(*) FROM follow WHERE follower_id = ?1), "
                    + "(SELECT count(*) FROM post WHERE author_id = ?1 AND NOT hidden), "
                    + "(SELECT count(*) FROM follow WHERE follower_id = ?2 AND followee_id = ?1)", Object[].class)
                .setParameter(1, userId).setParameter(2, viewer.anonymous() ? "" : viewer.id()).getSingleResult())
                .chain(row -> worlds.publicOf(userId).map(list -> {
                    Object[] c = (Object[]) row;
                    return new Profile(profile.userId, profile.displayName, profile.bio, profile.avatarUrl, ((Number) c[0]).longValue(),
                        ((Number) c[1]).longValue(), ((Number) c[2]).longValue(), ((Number) c[3]).longValue() > 0, list);
                }));
        });
    }

    public Uni<Profile> update(CurrentUser user, ProfileInput input) {
        if (input == null) {
            throw ApiException.validation("a JSON body is required", List.of());
        }
        Checks c = new Checks();
        c.text(input.bio(), "bio", 2000, false);
        c.text(input.avatarUrl(), "avatarUrl", 2000, false);
        c.require(input.avatarUrl() == null || input.avatarUrl().isBlank() || input.avatarUrl().startsWith("https://")
            || input.avatarUrl().startsWith("/"), "avatarUrl must be an https URL or a path");
        c.throwIfAny("the profile is invalid");
        return Panache.withTransaction(() -> touch(user.id(), user.name())
            .chain(() -> ProfileEntity.<ProfileEntity>findById(user.id()))
            .invoke(p -> {
                p.bio = input.bio() == null ? "" : input.bio();
                p.avatarUrl = input.avatarUrl();
                p.updatedAt = Instant.now();
            })).chain(p -> get(user, user.id()));
    }

    /** Follows or unfollows a creator (idempotent). */
    public Uni<FollowState> follow(CurrentUser user, String creatorId, boolean follow) {
        if (creatorId == null || creatorId.isBlank() || creatorId.length() > 100) {
            throw ApiException.notFound("creator");
        }
        if (creatorId.equals(user.id())) {
            throw ApiException.validation("you cannot follow yourself", List.of());
        }
        return Panache.withTransaction(() -> touch(user.id(), user.name()).chain(() -> Panache.getSession()).chain(s -> s
            .createNativeQuery(follow
                ? "INSERT INTO follow (follower_id, followee_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING"
                : "DELETE FROM follow WHERE follower_id = ?1 AND followee_id = ?2")
            .setParameter(1, user.id()).setParameter(2, creatorId).executeUpdate()))
            .map(changed -> new FollowState(creatorId, follow));
    }
}
