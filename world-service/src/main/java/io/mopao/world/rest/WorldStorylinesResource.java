package io.mopao.world.rest;

import io.mopao.world.mapping.StorylineDtos.StorylineInput;
import io.mopao.world.mapping.StorylineDtos.StorylineView;
import io.mopao.world.service.CurrentUser;
import io.mopao.world.service.StorylineService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** The storylines of one world: created by the world's owner, listed for anyone who may see the world. */
@Path("/api/worlds/{worldId}/storylines")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WorldStorylinesResource {

    private final StorylineService storylines;
    private final SecurityIdentity identity;

    public WorldStorylinesResource(StorylineService storylines, SecurityIdentity identity) {
        this.storylines = storylines;
        this.identity = identity;
    }

    @POST
    @RolesAllowed({"creator", "admin"})
    public Uni<Response> create(@PathParam("worldId") String worldId, StorylineInput input) {
        return storylines.create(CurrentUser.of(identity), Http.uuid(worldId, "world"), input)
            .map(s -> Http.created("/api/storylines/" + s.id(), s, s.version()));
    }

    @GET
    @PermitAll
    public Uni<List<StorylineView>> list(@PathParam("worldId") String worldId) {
        return storylines.list(CurrentUser.of(identity), Http.uuid(worldId, "world"));
    }

}
