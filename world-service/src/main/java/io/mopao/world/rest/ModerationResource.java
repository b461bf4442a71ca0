package io.mopao.world.rest;

import io.mopao.world.mapping.FeedDtos.ActionInput;
import io.mopao.world.mapping.FeedDtos.ActionView;
import io.mopao.world.mapping.FeedDtos.ReportInput;
import io.mopao.world.mapping.FeedDtos.ReportView;
import io.mopao.world.service.CurrentUser;
import io.mopao.world.service.ModerationService;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** Reports (any signed-in user) and moderator actions with their audit trail. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ModerationResource {

    private final ModerationService moderation;
    private final SecurityIdentity identity;

    public ModerationResource(ModerationService moderation, SecurityIdentity identity) {
        this.moderation = moderation;
        this.identity = identity;
    }

    @POST
    @Path("/reports")
    @Authenticated
    public Uni<Response> report(ReportInput input) {
        return moderation.report(CurrentUser.of(identity), input).map(v -> Response.accepted().build());
    }

    @GET
    @Path("/moderation/reports")
    @RolesAllowed({"moderator", "admin"})
    public Uni<List<ReportView>> reports(@QueryParam("status") @DefaultValue("open") String status) {
        return moderation.reports(status);
    }

    @POST
    @Path("/moderation/actions")
    @RolesAllowed({"moderator", "admin"})
    public Uni<ActionView> act(ActionInput input) {
        return moderation.act(CurrentUser.of(identity), input);
    }

    @GET
    @Path("/moderation/actions")
    @RolesAllowed({"moderator", "admin"})
    public Uni<List<ActionView>> audit(@QueryParam("targetId") String targetId) {
        return moderation.audit(targetId);
    }
}
