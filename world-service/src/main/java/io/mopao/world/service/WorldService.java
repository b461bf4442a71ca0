package io.mopao.world.service;

import io.mopao.events.world.WorldSnapshot;
import io.mopao.service.error.ApiException;
import io.mopao.service.outbox.OutboxPublisher;
import io.mopao.world.config.WorldConfig;
import io.mopao.world.mapping.Json;
import io.mopao.world.mapping.WorldDtos.Page;
import io.mopao.world.mapping.WorldDtos.WorldInput;
import io.mopao.world.mapping.WorldDtos.WorldSummary;
import io.mopao.world.mapping.WorldDtos.WorldView;
import io.mopao.world.repository.WorldEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/** Worlds: CRUD with ownership and visibility, search and browse; every change goes to the outbox. */
@ApplicationScoped
public class WorldService {

    public static final Set<String> RATINGS = Set.of("general", "teen", "mature");
    public static final Set<String> VISIBILITIES = Set.of("private", "unlisted", "public");

    private static final String PUBLIC = "w.visibility = 'public' AND NOT w.hidden";

    private final WorldEvents events;
    private final OutboxPublisher publisher;
    private final WorldConfig.Limits limits;

    public WorldService(WorldEvents events, OutboxPublisher publisher, WorldConfig config) {
        this.events = events;
        this.publisher = publisher;
        this.limits = config.limits();
    }

    public Uni<WorldView> create(CurrentUser user, WorldInput input) {
        requireCreator(user);
        validate(input);
        return Panache.withTransaction(() -> {
            WorldEntity world = new WorldEntity();
            world.id = UUID.randomUUID();
            world.ownerId = user.id();
            world.ownerName = user.name();
            world.createdAt = Instant.now();
            apply(world, input);
            return world.<WorldEntity>persist().call(w -> events.worldUpserted(w)).chain(this::view);
        }).invoke(publisher::wakeUp);
    }

    /** A world the caller may see; 404 when absent or private to someone else (or hidden by a moderator). */
    @WithSession
    public Uni<WorldView> get(CurrentUser user, UUID id) {
        return visible(user, id).chain(this::view);
    }

    public Uni<WorldView> update(CurrentUser user, UUID id, WorldInput input, Long expectedVersion) {
        validate(input);
        return Panache.withTransaction(() -> editable(user, id).chain(world -> {
            checkVersion(world.version, expectedVersion);
            apply(world, input);
            return events.worldUpserted(world).chain(() -> view(world));
        })).invoke(publisher::wakeUp);
    }

    public Uni<Void> delete(CurrentUser user, UUID id, Long expectedVersion) {
        return Panache.withTransaction(() -> editable(user, id).chain(world -> {
            checkVersion(world.version, expectedVersion);
            long version = world.version + 1;
            return world.delete().chain(() -> events.worldDeleted(world.id, version));
        })).invoke(publisher::wakeUp);
    }

    /** Hides or restores a world (moderation); emits the new state so story-engine stops offering it. */
    public Uni<Void> setHidden(UUID id, boolean hidden) {
        return WorldEntity.<WorldEntity>findById(id).chain(world -> {
            if (world == null) {
                return Uni.createFrom().failure(ApiException.notFound("world"));
            }
            world.hidden = hidden;
            world.updatedAt = Instant.now();
            return events.worldUpserted(world);
        });
    }

    /**
     * Public worlds: free-text search (substring match on title, setting, tone, tags, locations and owner, so Chinese
     * text without word breaks matches too; every whitespace-separated term must match), a tag filter, and sorting by
     * newest or trending (feed activity of the last seven days).
     */
    @WithSession
    public Uni<Page<WorldSummary>> browse(String query, String tag, String sort, int page, int size) {
        int pageSize = Math.clamp(size, 1, 100);
        int pageNo = Math.max(0, page);
        StringBuilder where = new StringBuilder(PUBLIC);
        List<Object> params = new ArrayList<>();
        if (query != null && !query.isBlank()) {
            String[] terms = query.trim().toLowerCase(Locale.ROOT).split("\\s+");
            if (terms.length > 10 || query.length() > 200) {
                throw ApiException.validation("search query is too long", List.of("at most 10 terms and 200 characters"));
            }
            for (String term : terms) {
                params.add("%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
                where.append(" AND w.search_text LIKE ?").append(params.size());
            }
        }
        if (tag != null && !tag.isBlank()) {
            params.add(Json.write(List.of(tag.trim().toLowerCase(Locale.ROOT))));
            // typed text first: a parameter cast straight to jsonb would be bound as a JSON string value
            where.append(" AND CAST(w.tags AS jsonb) @> CAST(CAST(?").append(params.size()).append(" AS text) AS jsonb)");
        }
        String order = switch (sort == null ? "newest" : sort) {
            case "newest" -> " ORDER BY w.created_at DESC, w.id";
            case "trending" -> " ORDER BY COALESCE(t.score, 0) DESC, w.created_at DESC, w.id";
            default -> throw ApiException.validation("unknown sort '" + sort + "'", List.of("sort is newest or trending"));
        };
        String sql = "SELECT w.* FROM world w"
            + (order.contains("t.score") ? " LEFT JOIN (SELECT world_id, SUM(1 + like_count + 2 * comment_count) AS score FROM post "
                + "WHERE NOT hidden AND created_at > now() - interval '7 days' AND world_id IS NOT NULL GROUP BY world_id) t "
                + "ON t.world_id = w.id::text" : "")
            + " WHERE " + where + order + " LIMIT " + (pageSize + 1) + " OFFSET " + ((long) pageNo * pageSize);
        return Panache.getSession().chain(session -> {
            var q = session.createNativeQuery(sql, WorldEntity.class);
            for (int i = 0; i < params.size(); i++) {
                q.setParameter(i + 1, params.get(i));
            }
            return q.getResultList();
        }).map(rows -> new Page<>(rows.stream().limit(pageSize).map(WorldSummary::of).toList(), pageNo, pageSize, rows.size() > pageSize));
    }

    /** The caller's own worlds, any visibility. */
    @WithSession
    public Uni<List<WorldSummary>> mine(CurrentUser user) {
        return WorldEntity.<WorldEntity>list("ownerId = ?1 order by updatedAt desc", user.id())
            .map(list -> list.stream().map(WorldSummary::of).toList());
    }

    /** Public, non-hidden worlds of one creator. */
    @WithSession
    public Uni<List<WorldSummary>> publicOf(String ownerId) {
        return WorldEntity.<WorldEntity>list("ownerId = ?1 and visibility = 'public' and hidden = false order by createdAt desc", ownerId)
            .map(list -> list.stream().map(WorldSummary::of).toList());
    }

    /** Loads a world the caller may see (inside a session). */
    public Uni<WorldEntity> visible(CurrentUser user, UUID id) {
        return WorldEntity.<WorldEntity>findById(id).map(world -> {
            if (world == null || !canSee(user, world)) {
                throw ApiException.notFound("world");
            }
            return world;
        });
    }

    /** Loads a world the caller may change: 404 when they cannot see it, 403 when they can see but not change it. */
    public Uni<WorldEntity> editable(CurrentUser user, UUID id) {
        return visible(user, id).map(world -> {
            if (!user.mayEdit(world.ownerId)) {
                throw ApiException.forbidden("only the world's owner may change it");
            }
            return world;
        });
    }

    static boolean canSee(CurrentUser user, WorldEntity world) {
        if (user.mayEdit(world.ownerId) || user.moderator()) {
            return true;
        }
        return !world.hidden && !"private".equals(world.visibility);
    }

    static void checkVersion(long actual, Long expected) {
        if (expected != null && expected != actual) {
            throw new ApiException(412, "precondition_failed", "the world changed since you read it (version " + actual
                + ", If-Match " + expected + "); reload and retry");
        }
    }

    static void requireCreator(CurrentUser user) {
        if (!user.creator()) {
            throw ApiException.forbidden("only creators may author worlds, lorebooks and storylines");
        }
    }

    private Uni<WorldView> view(WorldEntity world) {
        return events.attachedIds(world.id).map(ids -> WorldView.of(world, ids.get(0), ids.get(1)));
    }

    private void apply(WorldEntity world, WorldInput in) {
        world.title = in.title().strip();
        world.setting = nz(in.setting());
        world.rules = nz(in.rules());
        world.tone = nz(in.tone());
        world.contentRating = in.contentRating();
        world.visibility = in.visibility();
        world.coverImageUrl = in.coverImageUrl();
        world.locations = in.locations() == null ? List.of() : in.locations();
        world.castCharacterIds = in.castCharacterIds() == null ? List.of() : in.castCharacterIds();
        world.openingScenes = in.openingScenes() == null ? List.of() : in.openingScenes();
        world.tags = in.tags() == null ? List.of() : in.tags().stream().map(t -> t.strip().toLowerCase(Locale.ROOT)).distinct().toList();
        world.updatedAt = Instant.now();
        StringBuilder search = new StringBuilder().append(world.title).append('\n').append(world.tone).append('\n')
            .append(String.join(" ", world.tags)).append('\n').append(world.ownerName).append('\n');
        world.locations.forEach(l -> search.append(l.name()).append(' '));
        search.append('\n').append(world.setting, 0, Math.min(world.setting.length(), 4000));
        world.searchText = search.toString().toLowerCase(Locale.ROOT);
    }

    private void validate(WorldInput in) {
        if (in == null) {
            throw ApiException.validation("a JSON body is required", List.of());
        }
        Checks c = new Checks();
        int maxText = limits.maxWorldTextChars();
        int maxItems = limits.maxWorldListItems();
        c.text(in.title(), "title", 200, true);
        c.text(in.setting(), "setting", maxText, false);
        c.text(in.rules(), "rules", maxText, false);
        c.text(in.tone(), "tone", 2000, false);
        c.oneOf(in.contentRating(), "contentRating", RATINGS);
        c.oneOf(in.visibility(), "visibility", VISIBILITIES);
        c.text(in.coverImageUrl(), "coverImageUrl", 2000, false);
        if (in.coverImageUrl() != null && !in.coverImageUrl().isBlank()) {
            String url = in.coverImageUrl();
            c.require(url.startsWith("https://") || url.startsWith("http://") || url.startsWith("/"),
                "coverImageUrl must be an http(s) URL or a path");
        }
        c.list(in.locations(), "locations", maxItems);
        c.list(in.castCharacterIds(), "castCharacterIds", maxItems);
        c.list(in.openingScenes(), "openingScenes", maxItems);
        c.list(in.tags(), "tags", 30);
        if (in.locations() != null) {
            for (int i = 0; i < in.locations().size(); i++) {
                WorldSnapshot.Location l = in.locations().get(i);
                c.require(l != null && l.name() != null && !l.name().isBlank(), "locations[" + i + "].name is required");
                if (l != null) {
                    c.text(l.description(), "locations[" + i + "].description", 10_000, false);
                }
            }
        }
        if (in.openingScenes() != null) {
            for (int i = 0; i < in.openingScenes().size(); i++) {
                WorldSnapshot.OpeningScene s = in.openingScenes().get(i);
                c.require(s != null && s.id() != null && !s.id().isBlank(), "openingScenes[" + i + "].id is required");
                c.require(s != null && s.text() != null && !s.text().isBlank(), "openingScenes[" + i + "].text is required");
                if (s != null) {
                    c.text(s.text(), "openingScenes[" + i + "].text", 20_000, false);
                }
            }
        }
        if (in.castCharacterIds() != null) {
            in.castCharacterIds().forEach(id -> c.require(id != null && !id.isBlank() && id.length() <= 100,
                "castCharacterIds must be non-empty ids"));
        }
        if (in.tags() != null) {
            in.tags().forEach(t -> c.require(t != null && !t.isBlank() && t.length() <= 40, "tags must be 1-40 characters"));
        }
        c.throwIfAny("the world is invalid");
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
