package io.mopao.world.rest;

import io.mopao.world.mapping.FeedDtos.FollowState;
import io.mopao.world.mapping.FeedDtos.PostCard;
import io.mopao.world.mapping.FeedDtos.Profile;
import io.mopao.world.mapping.FeedDtos.ProfileInput;
import io.mopao.world.service.CurrentUser;
import io.mopao.world.service.FeedService;
import io.mopao.world.service.ProfileService;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** Creator profiles and follows. */
@Path("/api/creators")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CreatorResource {

    private final ProfileService profiles;
    private final FeedService feed;
    private final SecurityIdentity identity;

    public CreatorResource(ProfileService profiles, FeedService feed, SecurityIdentity identity) {
        this.profiles = profiles;
        this.feed = feed;
        this.identity = identity;
    }

    @PUT
    @Path("/me")
    @Authenticated
    public Uni<Profile> updateMine(ProfileInput input) {
        return profiles.update(CurrentUser.of(identity), input);
    }

    @GET
    @Path("/{userId}")
    @PermitAll
    public Uni<Profile> get(@PathParam("userId") String userId) {
        return profiles.get(CurrentUser.of(identity), userId);
    }

    @GET
    @Path("/{userId}/posts")
    @PermitAll
    public Uni<List<PostCard>> posts(@PathParam("userId") String userId, @QueryParam("limit") @DefaultValue("20") int limit) {
        return feed.postsOf(userId, limit);
    }

    @PUT
    @Path("/{userId}/follow")
    @Authenticated
    public Uni<FollowState> follow(@PathParam("userId") String userId) {
        return feed.follow(CurrentUser.of(identity), userId, true);
    }

    @DELETE
    @Path("/{userId}/follow")
    @Authenticated
    public Uni<FollowState> unfollow(@PathParam("userId") String userId) {
        return feed.follow(CurrentUser.of(identity), userId, false);
    }
}
