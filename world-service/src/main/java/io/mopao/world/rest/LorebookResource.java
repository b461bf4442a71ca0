package io.mopao.world.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mopao.service.error.ApiException;
import io.mopao.world.mapping.LorebookDtos.LorebookInput;
import io.mopao.world.mapping.LorebookDtos.LorebookSummary;
import io.mopao.world.mapping.WorldInfoFormat;
import io.mopao.world.service.CurrentUser;
import io.mopao.world.service.LorebookService;
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

/** Lorebooks (World Info) with SillyTavern / lorebook_v3 import and export. */
@Path("/api/lorebooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class LorebookResource {

    private final LorebookService lorebooks;
    private final SecurityIdentity identity;

    public LorebookResource(LorebookService lorebooks, SecurityIdentity identity) {
        this.lorebooks = lorebooks;
        this.identity = identity;
    }

    @POST
    @RolesAllowed({"creator", "admin"})
    public Uni<Response> create(LorebookInput input) {
        return lorebooks.create(CurrentUser.of(identity), input).map(b -> Http.created("/api/lorebooks/" + b.id(), b, b.version()));
    }

    /** Imports a SillyTavern World Info JSON, a lorebook_v3 file or a card's character_book. */
    @POST
    @Path("/import")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.APPLICATION_OCTET_STREAM, MediaType.TEXT_PLAIN})
    @RolesAllowed({"creator", "admin"})
    public Uni<Response> importFile(@QueryParam("name") String name, byte[] body) {
        return lorebooks.importFile(CurrentUser.of(identity), body, name)
            .map(b -> Http.created("/api/lorebooks/" + b.id(), b, b.version()));
    }

    @GET
    @Path("/mine")
    @Authenticated
    public Uni<List<LorebookSummary>> mine() {
        return lorebooks.mine(CurrentUser.of(identity));
    }

    @GET
    @Path("/{id}")
    @PermitAll
    public Uni<Response> get(@PathParam("id") String id) {
        return lorebooks.get(CurrentUser.of(identity), Http.uuid(id, "lorebook")).map(b -> Http.ok(b, b.version()));
    }

    /** Exports as {@code sillytavern} (World Info JSON, default) or {@code lorebook_v3}. */
    @GET
    @Path("/{id}/export")
    @PermitAll
    public Uni<ObjectNode> export(@PathParam("id") String id, @QueryParam("format") @DefaultValue("sillytavern") String format) {
        WorldInfoFormat.Format target = switch (format) {
            case "sillytavern" -> WorldInfoFormat.Format.SILLYTAVERN;
            case "lorebook_v3" -> WorldInfoFormat.Format.LOREBOOK_V3;
            default -> throw ApiException.validation("unknown export format '" + format + "'", List.of("use sillytavern or lorebook_v3"));
        };
        return lorebooks.export(CurrentUser.of(identity), Http.uuid(id, "lorebook"), target);
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed({"creator", "admin"})
    public Uni<Response> update(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch, LorebookInput input) {
        return lorebooks.update(CurrentUser.of(identity), Http.uuid(id, "lorebook"), input, Http.ifMatch(ifMatch))
            .map(b -> Http.ok(b, b.version()));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed({"creator", "admin"})
    public Uni<Response> delete(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch) {
        return lorebooks.delete(CurrentUser.of(identity), Http.uuid(id, "lorebook"), Http.ifMatch(ifMatch))
            .map(v -> Response.noContent().build());
    }
}
