package io.mopao.character.rest;

import io.mopao.character.card.CardCodec;
import io.mopao.character.service.Caller;
import io.mopao.character.service.CharacterContent;
import io.mopao.character.service.CharacterQuery;
import io.mopao.character.service.CharacterService;
import io.mopao.character.service.CharacterSummary;
import io.mopao.character.service.CharacterView;
import io.mopao.character.service.ContentRules;
import io.mopao.character.service.ExportSource;
import io.mopao.character.service.PageResult;
import io.mopao.character.service.VersionInfo;
import io.mopao.service.error.ApiException;
import io.mopao.service.outbox.OutboxPublisher;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.core.Vertx;
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
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Characters: CRUD, list and search, avatars, version history, card import and export, moderation.
 *
 * <p>Authorisation: reads of public and unlisted characters and search are open to anonymous callers ({@code @PermitAll};
 * the service filters what each caller may see). Creating and importing need the creator (or admin) role; changes are
 * for the owner (or an admin); hiding is for moderators. See the module README for the full matrix.
 *
 * <p>Every change appends its event to the outbox inside the service's transaction; once that transaction has committed
 * (the service's {@code Uni} completed), {@link #committed} wakes the outbox relay so the event is published now rather
 * than at the relay's next poll.
 */
@Path("/characters")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "characters")
@SecurityRequirement(name = "SecurityScheme")
public class CharacterResource {

    private static final String IF_MATCH = "If-Match";
    private static final String TRACEPARENT = "traceparent";

    private final CharacterService service;
    private final CallerFactory callers;
    private final CardCodec cards;
    private final Vertx vertx;
    private final io.mopao.character.config.CharacterConfig config;
    private final OutboxPublisher outbox;

    public CharacterResource(CharacterService service, CallerFactory callers, CardCodec cards, Vertx vertx,
        io.mopao.character.config.CharacterConfig config, OutboxPublisher outbox) {
        this.service = service;
        this.callers = callers;
        this.cards = cards;
        this.vertx = vertx;
        this.config = config;
        this.outbox = outbox;
    }

    /** A change whose transaction has committed when it completes: wakes the outbox relay (a failed change wrote nothing). */
    private <T> Uni<T> committed(Uni<T> change) {
        return change.invoke(outbox::wakeUp);
    }

    /**
     * Moderation request.
     *
     * @param hidden hide (true) or show (false)
     * @param reason why, shown to the owner
     */
    public record Moderation(boolean hidden, String reason) {
    }

    @GET
    @PermitAll
    @Operation(summary = "List and search characters", description = "Public characters (and the caller's own), newest first; "
        + "with q, name matches rank first. Text matches name, nickname, creator, tags and description in any language.")
    public Uni<PageResult<CharacterSummary>> list(@QueryParam("q") String q, @QueryParam("tag") List<String> tags,
        @QueryParam("creator") String creator, @QueryParam("rating") List<String> ratings,
        @QueryParam("mine") @DefaultValue("false") boolean mine, @QueryParam("page") @DefaultValue("0") int page,
        @QueryParam("size") @DefaultValue("20") int size, @HeaderParam(TRACEPARENT) String traceparent) {
        Caller caller = callers.caller(traceparent);
        if (mine && caller.anonymous()) {
            throw new ApiException(401, "unauthorized", "sign in to list your own characters");
        }
        if (page < 0 || size < 1 || size > config.maxPageSize()) {
            throw ApiException.validation("bad paging", List.of("page: >= 0", "size: 1.." + config.maxPageSize()));
        }
        int lastPage = Integer.MAX_VALUE / size; // the first row, page * size, must fit in an int
        if (page > lastPage) {
            throw ApiException.validation("the page is beyond the last one that can be addressed",
                List.of("page: 0.." + lastPage + " with size " + size));
        }
        if (q != null && q.length() > 200) {
            throw ApiException.validation("the search text is too long", List.of("q: at most 200 characters"));
        }
        List<String> normalisedRatings = ratings == null ? List.of() : ratings.stream().map(r -> r.toLowerCase(Locale.ROOT)).toList();
        if (!ContentRules.RATINGS.containsAll(normalisedRatings)) {
            throw ApiException.validation("unknown rating", List.of("rating: general, teen or mature"));
        }
        return service.list(caller, new CharacterQuery(q, tags, creator, normalisedRatings, mine, page, size));
    }

    @POST
    @RolesAllowed({"creator", "admin"})
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a character (creators)")
    @APIResponse(responseCode = "201", description = "created; ETag is the version")
    public Uni<RestResponse<CharacterView>> create(CharacterContent content, @HeaderParam(TRACEPARENT) String traceparent) {
        return committed(service.create(callers.caller(traceparent), content)).map(v -> created(v));
    }

    @GET
    @Path("/{id}")
    @PermitAll
    @Operation(summary = "Read a character", description = "Public and unlisted characters are readable by anyone with the id; "
        + "private ones only by their owner (404 for others)")
    public Uni<RestResponse<CharacterView>> get(@PathParam("id") String id, @HeaderParam(TRACEPARENT) String traceparent) {
        return service.get(callers.caller(traceparent), uuid(id)).map(CharacterResource::withEtag);
    }

    @PUT
    @Path("/{id}")
    @Authenticated
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a character's content (owner)", description = "Needs If-Match with the current ETag: "
        + "428 without it, 412 when the character changed since")
    public Uni<RestResponse<CharacterView>> update(@PathParam("id") String id, @HeaderParam(IF_MATCH) String ifMatch,
        CharacterContent content, @HeaderParam(TRACEPARENT) String traceparent) {
        return committed(service.update(callers.caller(traceparent), uuid(id), version(ifMatch), content))
            .map(CharacterResource::withEtag);
    }

    @DELETE
    @Path("/{id}")
    @Authenticated
    @Operation(summary = "Delete a character (owner)", description = "If-Match is optional; when sent it must match")
    @APIResponse(responseCode = "204", description = "deleted")
    public Uni<RestResponse<Void>> delete(@PathParam("id") String id, @HeaderParam(IF_MATCH) String ifMatch,
        @HeaderParam(TRACEPARENT) String traceparent) {
        return committed(service.delete(callers.caller(traceparent), uuid(id), version(ifMatch))).map(x -> RestResponse.noContent());
    }

    @PUT
    @Path("/{id}/moderation")
    @RolesAllowed({"moderator", "admin"})
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Hide or show a character (moderators)")
    public Uni<RestResponse<CharacterView>> moderate(@PathParam("id") String id, Moderation moderation,
        @HeaderParam(TRACEPARENT) String traceparent) {
        if (moderation == null) {
            throw ApiException.validation("send {\"hidden\": true|false, \"reason\": \"...\"}", List.of());
        }
        return committed(service.moderate(callers.caller(traceparent), uuid(id), moderation.hidden(), moderation.reason()))
            .map(CharacterResource::withEtag);
    }

    @GET
    @Path("/{id}/avatar")
    @PermitAll
    @Produces({"image/png", "image/jpeg", "image/webp", "image/gif"})
    @Operation(summary = "Read a character's avatar")
    public Uni<Response> avatar(@PathParam("id") String id, @HeaderParam(TRACEPARENT) String traceparent) {
        return service.avatar(callers.caller(traceparent), uuid(id)).map(a -> Response.ok(Buffer.buffer(a.data()), a.mediaType())
            .header("ETag", "\"" + a.sha256() + "\"").header("Cache-Control", "private, max-age=60")
            .header("X-Content-Type-Options", "nosniff").build());
    }

    @PUT
    @Path("/{id}/avatar")
    @Authenticated
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Upload a character's avatar (owner)", description = "PNG, JPEG, WebP or GIF, at most 5 MB; the type is "
        + "checked from the bytes. If-Match optional.")
    public Uni<RestResponse<CharacterView>> putAvatar(@PathParam("id") String id, @HeaderParam(IF_MATCH) String ifMatch, byte[] body,
        @HeaderParam(TRACEPARENT) String traceparent) {
        return committed(service.putAvatar(callers.caller(traceparent), uuid(id), version(ifMatch), body))
            .map(CharacterResource::withEtag);
    }

    @DELETE
    @Path("/{id}/avatar")
    @Authenticated
    @Operation(summary = "Remove a character's avatar (owner)")
    public Uni<RestResponse<CharacterView>> deleteAvatar(@PathParam("id") String id, @HeaderParam(IF_MATCH) String ifMatch,
        @HeaderParam(TRACEPARENT) String traceparent) {
        return committed(service.deleteAvatar(callers.caller(traceparent), uuid(id), version(ifMatch))).map(CharacterResource::withEtag);
    }

    @GET
    @Path("/{id}/versions")
    @Authenticated
    @Operation(summary = "Version history (owner and moderators)")
    public Uni<List<VersionInfo>> versions(@PathParam("id") String id, @HeaderParam(TRACEPARENT) String traceparent) {
        return service.versions(callers.caller(traceparent), uuid(id));
    }

    @GET
    @Path("/{id}/versions/{version}")
    @Authenticated
    @Operation(summary = "One version's content (owner and moderators)")
    public Uni<VersionInfo> version(@PathParam("id") String id, @PathParam("version") long version,
        @HeaderParam(TRACEPARENT) String traceparent) {
        return service.version(callers.caller(traceparent), uuid(id), version);
    }

    @POST
    @Path("/{id}/versions/{version}/restore")
    @Authenticated
    @Operation(summary = "Restore an old version's content as a new version (owner)", description = "Needs If-Match; "
        + "visibility and rating stay as they are")
    public Uni<RestResponse<CharacterView>> restore(@PathParam("id") String id, @PathParam("version") long version,
        @HeaderParam(IF_MATCH) String ifMatch, @HeaderParam(TRACEPARENT) String traceparent) {
        return committed(service.restore(callers.caller(traceparent), uuid(id), version, version(ifMatch)))
            .map(CharacterResource::withEtag);
    }

    @POST
    @Path("/import")
    @RolesAllowed({"creator", "admin"})
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Import a card file (creators)", description = "JSON (V1, V2, V3), PNG/APNG with ccv3 or chara chunks "
        + "(ccv3 preferred), or CHARX; at most 20 MB. Imported characters are private unless visibility says otherwise.")
    @APIResponse(responseCode = "201", description = "imported")
    public Uni<RestResponse<CharacterView>> importCard(byte[] body,
        @Parameter(description = "private (default), unlisted or public") @QueryParam("visibility") String visibility,
        @Parameter(description = "general, teen or mature (default: mature when tagged nsfw, else general)")
        @QueryParam("rating") String rating, @HeaderParam(TRACEPARENT) String traceparent) {
        Caller caller = callers.caller(traceparent);
        String vis = visibility == null ? "private" : visibility.toLowerCase(Locale.ROOT);
        String rat = rating == null ? null : rating.toLowerCase(Locale.ROOT);
        return vertx.executeBlocking(Uni.createFrom().item(() -> cards.read(body, vis, rat)))
            .flatMap(card -> committed(service.importCard(caller, card)))
            .map(v -> created(v));
    }

    @GET
    @Path("/{id}/export")
    @PermitAll
    @Produces({"image/png", "application/zip", MediaType.APPLICATION_JSON})
    @Operation(summary = "Export a character as a card file", description = "format=json (spec=v3 default, or v2), png (both "
        + "chara and ccv3 chunks) or charx")
    public Uni<Response> export(@PathParam("id") String id, @QueryParam("format") @DefaultValue("json") String format,
        @QueryParam("spec") @DefaultValue("v3") String spec, @HeaderParam(TRACEPARENT) String traceparent) {
        String f = format.toLowerCase(Locale.ROOT);
        String s = spec.toLowerCase(Locale.ROOT);
        if (!List.of("json", "png", "charx").contains(f) || !List.of("v2", "v3").contains(s)) {
            throw ApiException.validation("unknown export format", List.of("format: json, png or charx", "spec: v2 or v3"));
        }
        return service.exportSource(callers.caller(traceparent), uuid(id))
            .flatMap(src -> vertx.executeBlocking(Uni.createFrom().item(() -> encode(src, f, s))));
    }

    private Response encode(ExportSource src, String format, String spec) {
        byte[] bytes;
        String type;
        String ext;
        switch (format) {
            case "png" -> {
                bytes = cards.writePng(src.content(), src.creationDate(), src.modificationDate(), src.avatarType(), src.avatar());
                type = "image/png";
                ext = "png";
            }
            case "charx" -> {
                bytes = cards.writeCharx(src.content(), src.creationDate(), src.modificationDate(), src.avatarType(), src.avatar(),
                    src.files());
                type = "application/zip";
                ext = "charx";
            }
            default -> {
                bytes = "v2".equals(spec) ? cards.writeV2Json(src.content())
                    : cards.writeV3Json(src.content(), src.creationDate(), src.modificationDate());
                type = MediaType.APPLICATION_JSON;
                ext = "json";
            }
        }
        return Response.ok(Buffer.buffer(bytes), type)
            .header("Content-Disposition", "attachment; filename=\"character-" + src.id() + "." + ext + "\"").build();
    }

    private static RestResponse<CharacterView> withEtag(CharacterView view) {
        return RestResponse.ResponseBuilder.ok(view).header("ETag", etag(view.version())).build();
    }

    private static RestResponse<CharacterView> created(CharacterView view) {
        return RestResponse.ResponseBuilder.<CharacterView>created(URI.create("/characters/" + view.id())).entity(view)
            .header("ETag", etag(view.version())).build();
    }

    static String etag(long version) {
        return "\"" + version + "\"";
    }

    /**
     * The version in an If-Match header ({@code "3"}, {@code W/"3"}, {@code 3}; only {@code *} matches any); null when absent.
     * Versions start at 1, so anything else, including a zero or negative number (-1 is {@link CharacterService#ANY_VERSION}),
     * is a 412 like any If-Match that is not the character's ETag.
     */
    static Long version(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return null;
        }
        String v = ifMatch.strip();
        if ("*".equals(v)) {
            return CharacterService.ANY_VERSION;
        }
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        v = v.replace("\"", "");
        long version;
        try {
            version = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw notAnEtag();
        }
        if (version < 1) {
            throw notAnEtag();
        }
        return version;
    }

    private static ApiException notAnEtag() {
        return new ApiException(412, "version_mismatch", "If-Match must be the ETag of the character (e.g. \"3\")");
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("character");
        }
    }
}
