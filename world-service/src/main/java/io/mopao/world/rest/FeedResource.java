package io.mopao.world.rest;

import io.mopao.world.mapping.FeedDtos.CommentInput;
import io.mopao.world.mapping.FeedDtos.CommentView;
import io.mopao.world.mapping.FeedDtos.LikeState;
import io.mopao.world.mapping.FeedDtos.PlayFromHere;
import io.mopao.world.mapping.FeedDtos.PostCard;
import io.mopao.world.mapping.FeedDtos.PostView;
import io.mopao.world.mapping.FeedDtos.Timeline;
import io.mopao.world.service.CurrentUser;
import io.mopao.world.service.FeedService;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

/** The social feed: posts, likes, comments, home timeline, trending, play-from-here. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class FeedResource {

    private final FeedService feed;
    private final SecurityIdentity identity;

    public FeedResource(FeedService feed, SecurityIdentity identity) {
        this.feed = feed;
        this.identity = identity;
    }

    /** Home timeline: followed creators (and your own posts) newest first, trending blended into the first page. */
    @GET
    @Path("/timeline")
    @Authenticated
    public Uni<Timeline> home(@QueryParam("before") Long before, @QueryParam("limit") @DefaultValue("20") int limit) {
        return feed.home(CurrentUser.of(identity), before, limit);
    }

    @GET
    @Path("/posts/trending")
    @PermitAll
    public Uni<List<PostCard>> trending(@QueryParam("limit") @DefaultValue("20") int limit) {
        return feed.trending(limit);
    }

    @GET
    @Path("/posts/{id}")
    @PermitAll
    public Uni<PostView> get(@PathParam("id") String id) {
        return feed.get(CurrentUser.of(identity), Http.uuid(id, "post"));
    }

    /** "Play from here": the fork point and transcript prefix story-engine needs to start a new session. */
    @GET
    @Path("/posts/{id}/play-from-here")
    @PermitAll
    public Uni<PlayFromHere> playFromHere(@PathParam("id") String id, @QueryParam("messageId") String messageId) {
        return feed.playFromHere(CurrentUser.of(identity), Http.uuid(id, "post"), messageId);
    }

    @PUT
    @Path("/posts/{id}/like")
    @Authenticated
    public Uni<LikeState> like(@PathParam("id") String id) {
        return feed.like(CurrentUser.of(identity), Http.uuid(id, "post"), true);
    }

    @DELETE
    @Path("/posts/{id}/like")
    @Authenticated
    public Uni<LikeState> unlike(@PathParam("id") String id) {
        return feed.like(CurrentUser.of(identity), Http.uuid(id, "post"), false);
    }

    @GET
    @Path("/posts/{id}/comments")
    @PermitAll
    public Uni<List<CommentView>> comments(@PathParam("id") String id) {
        return feed.comments(CurrentUser.of(identity), Http.uuid(id, "post"));
    }

    @POST
    @Path("/posts/{id}/comments")
    @Authenticated
    public Uni<Response> comment(@PathParam("id") String id, CommentInput input) {
        return feed.comment(CurrentUser.of(identity), Http.uuid(id, "post"), input)
            .map(c -> Response.created(URI.create("/api/posts/" + id + "/comments")).entity(c).build());
    }
}
