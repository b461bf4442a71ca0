package io.mopao.character.service;

import io.mopao.character.card.ImageTypes;
import io.mopao.character.card.ImportedCard;
import io.mopao.character.config.CharacterConfig;
import io.mopao.character.mapping.CharacterMapper;
import io.mopao.character.messaging.CharacterEvents;
import io.mopao.character.repository.AssetFileEntity;
import io.mopao.character.repository.AvatarEntity;
import io.mopao.character.repository.CharacterEntity;
import io.mopao.character.repository.CharacterVersionEntity;
import io.mopao.service.error.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The one transactional layer of character-service. Every change locks the character's row, checks the caller's
 * expected version, bumps the version, records it in the history and appends the event to the outbox, all in one
 * transaction.
 *
 * <p>Visibility: owners and moderators read everything; others read public and unlisted characters that are not hidden;
 * anything else is "not found" (never "forbidden"), so private characters do not leak their existence.
 */
@ApplicationScoped
public class CharacterService {

    /**
     * An expected version that matches any ({@code If-Match: *}). Only the resource maps {@code *} to it; it refuses a
     * client's own zero or negative version, so a client cannot send this one.
     */
    public static final long ANY_VERSION = -1;

    private final CharacterEvents events;
    private final CharacterConfig config;

    public CharacterService(CharacterEvents events, CharacterConfig config) {
        this.events = events;
        this.config = config;
    }

    // ---- reads ----

    @WithSession
    public Uni<CharacterView> get(Caller caller, UUID id) {
        return readable(caller, id).map(e -> CharacterMapper.view(e, caller.owns(e.ownerId) || caller.moderator()));
    }

    @WithSession
    public Uni<PageResult<CharacterSummary>> list(Caller caller, CharacterQuery query) {
        StringBuilder where = new StringBuilder();
        Parameters params = new Parameters();
        if (caller.anonymous()) {
            where.append("c.visibility = 'public' and c.hidden = false");
        } else if (caller.moderator()) {
            where.append("(c.visibility = 'public' or c.ownerId = :me)");
            params.and("me", caller.userId());
        } else {
            where.append("((c.visibility = 'public' and c.hidden = false) or c.ownerId = :me)");
            params.and("me", caller.userId());
        }
        if (query.mine()) {
            where.append(" and c.ownerId = :mine");
            params.and("mine", caller.userId());
        }
        String text = query.text() == null ? "" : query.text().strip().toLowerCase(Locale.ROOT);
        if (!text.isEmpty()) {
            where.append(" and c.searchText like :contains escape '!'");
            params.and("contains", "%" + escapeLike(text) + "%");
        }
        for (int i = 0; i < query.tags().size(); i++) {
            where.append(" and array_contains(c.tagKeys, :tag").append(i).append(")");
            params.and("tag" + i, query.tags().get(i).strip().toLowerCase(Locale.ROOT));
        }
        if (query.creator() != null && !query.creator().isBlank()) {
            where.append(" and (lower(c.creator) = :creator or lower(c.ownerName) = :creator)");
            params.and("creator", query.creator().strip().toLowerCase(Locale.ROOT));
        }
        if (!query.ratings().isEmpty()) {
            where.append(" and c.contentRating in :ratings");
            params.and("ratings", query.ratings());
        }
        String from = "from CharacterEntity c where " + where;
        String order;
        if (text.isEmpty()) {
            order = " order by c.updatedAt desc, c.id";
        } else {
            order = " order by case when lower(c.name) = :exact then 0 when lower(c.name) like :prefix escape '!' then 1"
                + " when lower(c.name) like :contains escape '!' then 2 else 3 end, c.updatedAt desc, c.id";
        }
        Parameters listParams = copy(params);
        if (!text.isEmpty()) {
            listParams.and("exact", text).and("prefix", escapeLike(text) + "%");
        }
        Uni<List<CharacterEntity>> items = CharacterEntity.<CharacterEntity>find(from + order, listParams)
            .page(query.page(), query.size()).list();
        return items.flatMap(list -> CharacterEntity.count(from, params)
            .map(total -> new PageResult<>(list.stream().map(CharacterMapper::summary).toList(), query.page(), query.size(), total)));
    }

    @WithSession
    public Uni<List<VersionInfo>> versions(Caller caller, UUID id) {
        return historyReadable(caller, id).flatMap(e -> CharacterVersionEntity.<CharacterVersionEntity>find(
                "key.characterId = ?1 order by key.version desc", id).list())
            .map(list -> list.stream().map(v -> new VersionInfo(v.key.version(), v.change, v.authorName, v.createdAt, null)).toList());
    }

    @WithSession
    public Uni<VersionInfo> version(Caller caller, UUID id, long version) {
        return historyReadable(caller, id)
            .flatMap(e -> CharacterVersionEntity.<CharacterVersionEntity>findById(new CharacterVersionEntity.Key(id, version)))
            .map(v -> {
                if (v == null) {
                    throw ApiException.notFound("version " + version);
                }
                return new VersionInfo(version, v.change, v.authorName, v.createdAt, CharacterMapper.readContent(v.content));
            });
    }

    @WithSession
    public Uni<Avatar> avatar(Caller caller, UUID id) {
        return readable(caller, id).flatMap(e -> AvatarEntity.<AvatarEntity>findById(id)).map(a -> {
            if (a == null) {
                throw ApiException.notFound("avatar");
            }
            return new Avatar(a.mediaType, a.data, a.sha256);
        });
    }

    @WithSession
    public Uni<ExportSource> exportSource(Caller caller, UUID id) {
        return readable(caller, id).flatMap(e -> AvatarEntity.<AvatarEntity>findById(id)
            .flatMap(avatar -> AssetFileEntity.<AssetFileEntity>find("key.characterId = ?1 order by key.path", id).list()
                .map(files -> {
                    Map<String, byte[]> byPath = new LinkedHashMap<>();
                    files.forEach(f -> byPath.put(f.key.path(), f.data));
                    CharacterContent content = CharacterMapper.content(e);
                    long created = content.creationDate() != null ? content.creationDate() : e.createdAt.getEpochSecond();
                    return new ExportSource(e.id.toString(), content, created, e.updatedAt.getEpochSecond(),
                        avatar == null ? null : avatar.mediaType, avatar == null ? null : avatar.data, byPath);
                })));
    }

    // ---- changes ----

    @WithTransaction
    public Uni<CharacterView> create(Caller caller, CharacterContent content) {
        requireCreator(caller);
        CharacterContent checked = ContentRules.check(content);
        CharacterEntity e = newEntity(caller, checked);
        return e.<CharacterEntity>persist().chain(() -> recordChange(caller, e, "created"));
    }

    @WithTransaction
    public Uni<CharacterView> importCard(Caller caller, ImportedCard card) {
        requireCreator(caller);
        CharacterContent checked = ContentRules.check(card.content());
        CharacterEntity e = newEntity(caller, checked);
        Uni<Void> chain = e.<CharacterEntity>persist().replaceWithVoid();
        if (card.avatar() != null) {
            AvatarEntity avatar = new AvatarEntity();
            avatar.characterId = e.id;
            avatar.mediaType = card.avatarType();
            avatar.data = card.avatar();
            avatar.sha256 = sha256(card.avatar());
            avatar.updatedAt = e.createdAt;
            e.avatarSha256 = avatar.sha256;
            chain = chain.chain(() -> avatar.persist()).replaceWithVoid();
        }
        for (Map.Entry<String, byte[]> file : card.files().entrySet()) {
            AssetFileEntity asset = new AssetFileEntity();
            asset.key = new AssetFileEntity.Key(e.id, file.getKey());
            asset.data = file.getValue();
            chain = chain.chain(() -> asset.persist()).replaceWithVoid();
        }
        return chain.chain(() -> recordChange(caller, e, "imported (" + card.format() + ", V" + card.specVersion() + ")"));
    }

    @WithTransaction
    public Uni<CharacterView> update(Caller caller, UUID id, Long expectedVersion, CharacterContent content) {
        CharacterContent checked = ContentRules.check(content);
        return writable(caller, id, expectedVersion, true).flatMap(e -> {
            CharacterMapper.apply(checked, e);
            return bump(caller, e, "updated");
        });
    }

    @WithTransaction
    public Uni<CharacterView> restore(Caller caller, UUID id, long version, Long expectedVersion) {
        return writable(caller, id, expectedVersion, true)
            .flatMap(e -> CharacterVersionEntity.<CharacterVersionEntity>findById(new CharacterVersionEntity.Key(id, version))
                .flatMap(v -> {
                    if (v == null) {
                        throw ApiException.notFound("version " + version);
                    }
                    // visibility and rating stay as they are now: restoring text must not re-publish a character
                    CharacterContent old = CharacterMapper.readContent(v.content).withAccess(e.visibility, e.contentRating);
                    CharacterMapper.apply(ContentRules.check(old), e);
                    return bump(caller, e, "restored version " + version);
                }));
    }

    @WithTransaction
    public Uni<Void> delete(Caller caller, UUID id, Long expectedVersion) {
        return writable(caller, id, expectedVersion, false)
            .flatMap(e -> e.delete().chain(() -> events.deleted(e, caller.traceparent())));
    }

    @WithTransaction
    public Uni<CharacterView> moderate(Caller caller, UUID id, boolean hidden, String reason) {
        if (!caller.moderator()) {
            throw ApiException.forbidden("only moderators can hide or show characters");
        }
        if (reason != null && reason.length() > 2000) {
            throw ApiException.validation("the moderation is not valid", List.of("reason: at most 2000 characters"));
        }
        return CharacterEntity.<CharacterEntity>findById(id, LockModeType.PESSIMISTIC_WRITE).flatMap(e -> {
            if (e == null) {
                throw ApiException.notFound("character");
            }
            e.hidden = hidden;
            e.hiddenReason = hidden ? reason : null;
            return bump(caller, e, hidden ? "hidden by a moderator" : "shown by a moderator");
        });
    }

    @WithTransaction
    public Uni<CharacterView> putAvatar(Caller caller, UUID id, Long expectedVersion, byte[] data) {
        if (data == null || data.length == 0) {
            throw ApiException.validation("the avatar is empty", List.of("body: send the image bytes"));
        }
        if (data.length > config.avatarMaxBytes()) {
            throw ApiException.tooLarge("the avatar is " + data.length + " bytes; the limit is " + config.avatarMaxBytes() + " bytes");
        }
        String type = ImageTypes.detect(data).orElseThrow(() -> ApiException.unsupportedMediaType(
            "the avatar must be a PNG, JPEG, WebP or GIF image (checked by its content, not its name)"));
        return writable(caller, id, expectedVersion, false).flatMap(e -> AvatarEntity.<AvatarEntity>findById(id).flatMap(existing -> {
            AvatarEntity avatar = existing == null ? new AvatarEntity() : existing;
            avatar.characterId = id;
            avatar.mediaType = type;
            avatar.data = data;
            avatar.sha256 = sha256(data);
            avatar.updatedAt = now();
            e.avatarSha256 = avatar.sha256;
            Uni<?> save = existing == null ? avatar.persist() : Uni.createFrom().voidItem();
            return save.chain(() -> bump(caller, e, "avatar changed"));
        }));
    }

    @WithTransaction
    public Uni<CharacterView> deleteAvatar(Caller caller, UUID id, Long expectedVersion) {
        return writable(caller, id, expectedVersion, false).flatMap(e -> AvatarEntity.<AvatarEntity>findById(id).flatMap(existing -> {
            if (existing == null) {
                throw ApiException.notFound("avatar");
            }
            e.avatarSha256 = null;
            return existing.delete().chain(() -> bump(caller, e, "avatar removed"));
        }));
    }

    // ---- helpers ----

    private Uni<CharacterEntity> readable(Caller caller, UUID id) {
        return CharacterEntity.<CharacterEntity>findById(id).map(e -> {
            if (e == null || !canRead(caller, e)) {
                throw ApiException.notFound("character");
            }
            return e;
        });
    }

    private Uni<CharacterEntity> historyReadable(Caller caller, UUID id) {
        return readable(caller, id).map(e -> {
            if (!caller.owns(e.ownerId) && !caller.moderator()) {
                throw ApiException.forbidden("only the owner and moderators can see a character's version history");
            }
            return e;
        });
    }

    /** Locks the row, then checks visibility (404), ownership (403) and the expected version (428 / 412). */
    private Uni<CharacterEntity> writable(Caller caller, UUID id, Long expectedVersion, boolean versionRequired) {
        return CharacterEntity.<CharacterEntity>findById(id, LockModeType.PESSIMISTIC_WRITE).map(e -> {
            if (e == null || !canRead(caller, e)) {
                throw ApiException.notFound("character");
            }
            if (!caller.owns(e.ownerId) && !caller.admin()) {
                throw ApiException.forbidden("only the owner can change this character");
            }
            if (expectedVersion == null && versionRequired) {
                throw new ApiException(428, "precondition_required",
                    "send If-Match with the character's ETag (its current version " + e.version + ") to change it");
            }
            if (expectedVersion != null && expectedVersion != ANY_VERSION && expectedVersion != e.version) {
                throw new ApiException(412, "version_mismatch", "the character is at version " + e.version + ", not "
                    + expectedVersion + ": someone changed it since you read it; reload and apply your change again");
            }
            return e;
        });
    }

    static boolean canRead(Caller caller, CharacterEntity e) {
        if (caller.owns(e.ownerId) || caller.moderator()) {
            return true;
        }
        return !e.hidden && !"private".equals(e.visibility);
    }

    private static void requireCreator(Caller caller) {
        if (!caller.creator()) {
            throw ApiException.forbidden("only creators can create characters");
        }
    }

    private CharacterEntity newEntity(Caller caller, CharacterContent content) {
        CharacterEntity e = new CharacterEntity();
        e.id = UUID.randomUUID();
        e.version = 1;
        e.ownerId = caller.userId();
        e.ownerName = caller.name() == null ? caller.userId() : caller.name();
        e.hidden = false;
        e.createdAt = now();
        e.updatedAt = e.createdAt;
        CharacterMapper.apply(content, e);
        return e;
    }

    private Uni<CharacterView> bump(Caller caller, CharacterEntity e, String change) {
        e.version++;
        e.updatedAt = now();
        return recordChange(caller, e, change);
    }

    /** History entry, flush, outbox event: the same transaction as the change. */
    private Uni<CharacterView> recordChange(Caller caller, CharacterEntity e, String change) {
        CharacterVersionEntity v = new CharacterVersionEntity();
        v.key = new CharacterVersionEntity.Key(e.id, e.version);
        v.authorId = caller.userId();
        v.authorName = caller.name() == null ? caller.userId() : caller.name();
        v.change = change;
        v.content = CharacterMapper.writeContent(CharacterMapper.content(e));
        v.createdAt = e.updatedAt;
        return v.persist()
            .chain(() -> Panache.getSession().flatMap(s -> s.flush()))
            .chain(() -> events.upserted(e, caller.traceparent()))
            .map(x -> CharacterMapper.view(e, true));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    static String escapeLike(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private static Parameters copy(Parameters params) {
        Parameters copy = new Parameters();
        params.map().forEach(copy::and);
        return copy;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
