package io.mopao.world.rest;

import io.mopao.world.mapping.WorldDtos.Page;
import io.mopao.world.mapping.WorldDtos.WorldInput;
import io.mopao.world.mapping.WorldDtos.WorldSummary;
import io.mopao.world.service.CurrentUser;
import io.mopao.world.service.WorldService;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** Worlds: creators author them; anyone may read public and unlisted ones. */
@Path("/api/worlds")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WorldResource {

    private final WorldService worlds;
    private final SecurityIdentity identity;

    public WorldResource(WorldService worlds, SecurityIdentity identity) {
        this.worlds = worlds;
        this.identity = identity;
    }

    @POST
    @RolesAllowed({"creator", "admin"})
    public Uni<Response> create(WorldInput input) {
        return worlds.create(CurrentUser.of(identity), input).map(w -> Http.created("/api/worlds/" + w.id(), w, w.version()));
    }

    @GET
    @PermitAll
    public Uni<Page<WorldSummary>> browse(@QueryParam("q") String query, @QueryParam("tag") String tag,
        @QueryParam("sort") @DefaultValue("newest") String sort, @QueryParam("page") @DefaultValue("0") int page,
        @QueryParam("size") @DefaultValue("20") int size) {
        return worlds.browse(query, tag, sort, page, size);
    }

    @GET
    @Path("/mine")
    @Authenticated
    public Uni<List<WorldSummary>> mine() {
        return worlds.mine(CurrentUser.of(identity));
    }

    @GET
    @Path("/{id}")
    @PermitAll
    public Uni<Response> get(@PathParam("id") String id) {
        return worlds.get(CurrentUser.of(identity), Http.uuid(id, "world")).map(w -> Http.ok(w, w.version()));
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed({"creator", "admin"})
    public Uni<Response> update(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch, WorldInput input) {
        return worlds.update(CurrentUser.of(identity), Http.uuid(id, "world"), input, Http.ifMatch(ifMatch))
            .map(w -> Http.ok(w, w.version()));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed({"creator", "admin"})
    public Uni<Response> delete(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch) {
        return worlds.delete(CurrentUser.of(identity), Http.uuid(id, "world"), Http.ifMatch(ifMatch))
            .map(v -> Response.noContent().build());
    }
}
