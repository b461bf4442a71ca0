package io.mopao.world.rest;

import io.mopao.world.mapping.StorylineDtos.StorylineInput;
import io.mopao.world.service.CurrentUser;
import io.mopao.world.service.StorylineService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** One storyline: readable with its world, changed by the world's owner. */
@Path("/api/storylines")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class StorylineResource {

    private final StorylineService storylines;
    private final SecurityIdentity identity;

    public StorylineResource(StorylineService storylines, SecurityIdentity identity) {
        this.storylines = storylines;
        this.identity = identity;
    }

    @GET
    @Path("/{id}")
    @PermitAll
    public Uni<Response> get(@PathParam("id") String id) {
        return storylines.get(CurrentUser.of(identity), Http.uuid(id, "storyline")).map(s -> Http.ok(s, s.version()));
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed({"creator", "admin"})
    public Uni<Response> update(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch, StorylineInput input) {
        return storylines.update(CurrentUser.of(identity), Http.uuid(id, "storyline"), input, Http.ifMatch(ifMatch))
            .map(s -> Http.ok(s, s.version()));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed({"creator", "admin"})
    public Uni<Response> delete(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch) {
        return storylines.delete(CurrentUser.of(identity), Http.uuid(id, "storyline"), Http.ifMatch(ifMatch))
            .map(v -> Response.noContent().build());
    }
}
