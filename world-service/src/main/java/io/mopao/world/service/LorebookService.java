package io.mopao.world.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mopao.service.error.ApiException;
import io.mopao.service.outbox.OutboxPublisher;
import io.mopao.world.config.WorldConfig;
import io.mopao.world.mapping.LoreEntryData;
import io.mopao.world.mapping.LorebookDtos.LorebookInput;
import io.mopao.world.mapping.LorebookDtos.LorebookSummary;
import io.mopao.world.mapping.LorebookDtos.LorebookView;
import io.mopao.world.mapping.WorldInfoFormat;
import io.mopao.world.repository.LorebookEntity;
import io.mopao.world.repository.WorldEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Lorebooks (World Info): CRUD, attachment to worlds and characters, SillyTavern / lorebook_v3 import and export. A
 * lorebook is readable by its owner, admins and moderators, and by anyone when it is attached to a world they can see.
 */
@ApplicationScoped
public class LorebookService {

    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private final WorldEvents events;
    private final OutboxPublisher publisher;
    private final WorldConfig.Limits limits;
    private final WorldInfoFormat format;

    public LorebookService(WorldEvents events, OutboxPublisher publisher, WorldConfig config) {
        this.events = events;
        this.publisher = publisher;
        this.limits = config.limits();
        this.format = new WorldInfoFormat(config.limits().maxImportBytes());
    }

    public Uni<LorebookView> create(CurrentUser user, LorebookInput input) {
        WorldService.requireCreator(user);
        List<LoreEntryData> entries = validate(input);
        return Panache.withTransaction(() -> {
            LorebookEntity book = new LorebookEntity();
            book.id = UUID.randomUUID();
            book.ownerId = user.id();
            book.createdAt = Instant.now();
            apply(book, input, entries);
            return book.<LorebookEntity>persist()
                .chain(b -> attach(user, b, input.worldIds(), input.characterIds(), List.of()))
                .chain(() -> view(book));
        }).invoke(publisher::wakeUp);
    }

    /** Imports a SillyTavern World Info / lorebook_v3 file as a new lorebook (nothing is stored when it is rejected). */
    public Uni<LorebookView> importFile(CurrentUser user, byte[] body, String fallbackName) {
        WorldService.requireCreator(user);
        if (body != null && body.length > limits.maxImportBytes()) {
            throw ApiException.tooLarge("the file is " + body.length + " bytes; at most " + limits.maxImportBytes() + " are accepted");
        }
        LorebookInput input = format.read(body, fallbackName == null || fallbackName.isBlank() ? "Imported lorebook" : fallbackName);
        return create(user, input);
    }

    @WithSession
    public Uni<LorebookView> get(CurrentUser user, UUID id) {
        return readable(user, id).chain(this::view);
    }

    /** Exports in SillyTavern World Info JSON or lorebook_v3. */
    @WithSession
    public Uni<ObjectNode> export(CurrentUser user, UUID id, WorldInfoFormat.Format target) {
        return readable(user, id).map(b -> target == WorldInfoFormat.Format.LOREBOOK_V3
            ? format.writeV3(b.name, b.description, b.scanDepth, b.tokenBudget, b.recursiveScanning, b.entries)
            : format.writeSillyTavern(b.name, b.description, b.scanDepth, b.tokenBudget, b.recursiveScanning, b.entries));
    }

    public Uni<LorebookView> update(CurrentUser user, UUID id, LorebookInput input, Long expectedVersion) {
        List<LoreEntryData> entries = validate(input);
        return Panache.withTransaction(() -> editable(user, id).chain(book -> {
            WorldService.checkVersion(book.version, expectedVersion);
            apply(book, input, entries);
            return worldIdsOf(book.id).chain(before -> attach(user, book, input.worldIds(), input.characterIds(), before))
                .chain(() -> view(book));
        })).invoke(publisher::wakeUp);
    }

    public Uni<Void> delete(CurrentUser user, UUID id, Long expectedVersion) {
        return Panache.withTransaction(() -> editable(user, id).chain(book -> {
            WorldService.checkVersion(book.version, expectedVersion);
            long version = book.version + 1;
            return worldIdsOf(book.id).chain(worlds -> book.delete()
                .chain(() -> Panache.getSession().chain(s -> s.flush()))
                .chain(() -> events.lorebookDeleted(book.id, version))
                .chain(() -> touchWorlds(worlds)));
        })).invoke(publisher::wakeUp);
    }

    @WithSession
    public Uni<List<LorebookSummary>> mine(CurrentUser user) {
        return LorebookEntity.<LorebookEntity>list("ownerId = ?1 order by updatedAt desc", user.id())
            .map(list -> list.stream().map(LorebookSummary::of).toList());
    }

    private Uni<LorebookEntity> readable(CurrentUser user, UUID id) {
        return LorebookEntity.<LorebookEntity>findById(id).chain(book -> {
            if (book == null) {
                return Uni.createFrom().failure(ApiException.notFound("lorebook"));
            }
            if (user.mayEdit(book.ownerId) || user.moderator()) {
                return Uni.createFrom().item(book);
            }
            return Panache.getSession().chain(s -> s.createNativeQuery("SELECT count(*) FROM lorebook_world lw JOIN world w ON "
                    + "w.id = lw.world_id WHERE lw.lorebook_id = ?1 AND w.visibility <> 'private' AND NOT w.hidden", Long.class)
                .setParameter(1, id).getSingleResult())
                .map(count -> {
                    if (count == 0) {
                        throw ApiException.notFound("lorebook");
                    }
                    return book;
                });
        });
    }

    private Uni<LorebookEntity> editable(CurrentUser user, UUID id) {
        return readable(user, id).map(book -> {
            if (!user.mayEdit(book.ownerId)) {
                throw ApiException.forbidden("only the lorebook's owner may change it");
            }
            return book;
        });
    }

    /** Replaces the attachments (null lists keep the current ones) and emits the lorebook and every affected world. */
    private Uni<Void> attach(CurrentUser user, LorebookEntity book, List<String> worldIds, List<String> characterIds,
        List<String> worldsBefore) {
        Uni<List<String>> worlds = worldIds == null ? Uni.createFrom().item(worldsBefore) : checkWorlds(user, worldIds);
        // the lorebook row must exist before the attachment rows reference it
        return worlds.chain(newWorlds -> Panache.getSession().call(session -> session.flush()).chain(session -> {
            Uni<Void> changeWorlds = Uni.createFrom().voidItem();
            if (worldIds != null) {
                changeWorlds = session.createNativeQuery("DELETE FROM lorebook_world WHERE lorebook_id = ?1").setParameter(1, book.id)
                    .executeUpdate().replaceWithVoid();
                for (String w : newWorlds) {
                    changeWorlds = changeWorlds.chain(() -> session.createNativeQuery(
                            "INSERT INTO lorebook_world (lorebook_id, world_id) VALUES (?1, ?2)")
                        .setParameter(1, book.id).setParameter(2, UUID.fromString(w)).executeUpdate().replaceWithVoid());
                }
            }
            Uni<Void> changeCharacters = changeWorlds;
            if (characterIds != null) {
                changeCharacters = changeCharacters.chain(() -> session.createNativeQuery(
                        "DELETE FROM lorebook_character WHERE lorebook_id = ?1").setParameter(1, book.id).executeUpdate()
                    .replaceWithVoid());
                for (String c : new LinkedHashSet<>(characterIds)) {
                    changeCharacters = changeCharacters.chain(() -> session.createNativeQuery(
                            "INSERT INTO lorebook_character (lorebook_id, character_id) VALUES (?1, ?2)")
                        .setParameter(1, book.id).setParameter(2, c).executeUpdate().replaceWithVoid());
                }
            }
            return changeCharacters
                .chain(() -> characterIdsOf(book.id))
                .chain(chars -> events.lorebookUpserted(book, newWorlds, chars))
                .chain(() -> {
                    Set<String> affected = new LinkedHashSet<>(worldsBefore);
                    affected.addAll(newWorlds);
                    return touchWorlds(new ArrayList<>(affected));
                });
        }));
    }

    private Uni<Void> touchWorlds(List<String> worldIds) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String w : worldIds) {
            chain = chain.chain(() -> events.worldUpserted(UUID.fromString(w)));
        }
        return chain;
    }

    private Uni<List<String>> checkWorlds(CurrentUser user, List<String> worldIds) {
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(worldIds));
        if (distinct.size() > 100) {
            throw ApiException.validation("a lorebook can be attached to at most 100 worlds", List.of());
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String w : distinct) {
            UUID id;
            try {
                id = UUID.fromString(w);
            } catch (IllegalArgumentException e) {
                throw ApiException.validation("worldIds contains an invalid id", List.of(w));
            }
            chain = chain.chain(() -> WorldEntity.<WorldEntity>findById(id).map(world -> {
                if (world == null || !WorldService.canSee(user, world)) {
                    throw ApiException.validation("unknown world " + w, List.of(w));
                }
                if (!user.mayEdit(world.ownerId)) {
                    throw ApiException.forbidden("you can attach lorebooks only to your own worlds");
                }
                return null;
            }));
        }
        return chain.replaceWith(distinct);
    }

    private Uni<LorebookView> view(LorebookEntity book) {
        return Panache.getSession().call(s -> s.flush()).chain(() -> worldIdsOf(book.id))
            .chain(worlds -> characterIdsOf(book.id).map(chars -> LorebookView.of(book, worlds, chars)));
    }

    @SuppressWarnings("unchecked")
    private Uni<List<String>> worldIdsOf(UUID bookId) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "SELECT world_id::text FROM lorebook_world WHERE lorebook_id = ?1 ORDER BY world_id", String.class)
            .setParameter(1, bookId).getResultList()).map(l -> (List<String>) l);
    }

    @SuppressWarnings("unchecked")
    private Uni<List<String>> characterIdsOf(UUID bookId) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "SELECT character_id FROM lorebook_character WHERE lorebook_id = ?1 ORDER BY character_id", String.class)
            .setParameter(1, bookId).getResultList()).map(l -> (List<String>) l);
    }

    private static void apply(LorebookEntity book, LorebookInput in, List<LoreEntryData> entries) {
        book.name = in.name().strip();
        book.description = in.description() == null ? "" : in.description();
        book.scanDepth = in.scanDepth();
        book.tokenBudget = in.tokenBudget();
        book.recursiveScanning = in.recursiveScanning() != null && in.recursiveScanning();
        book.entries = entries;
        book.entryCount = entries.size();
        book.updatedAt = Instant.now();
    }

    /** Checks limits and semantics; returns the entries with defaults applied. Throws 400 naming every problem. */
    List<LoreEntryData> validate(LorebookInput in) {
        if (in == null) {
            throw ApiException.validation("a JSON body is required", List.of());
        }
        Checks c = new Checks();
        c.text(in.name(), "name", 200, true);
        c.text(in.description(), "description", 20_000, false);
        c.require(in.scanDepth() == null || (in.scanDepth() >= 0 && in.scanDepth() <= 1000), "scanDepth must be 0..1000");
        c.require(in.tokenBudget() == null || (in.tokenBudget() >= 0 && in.tokenBudget() <= 1_000_000), "tokenBudget must be 0..1000000");
        c.list(in.characterIds(), "characterIds", 100);
        if (in.characterIds() != null) {
            in.characterIds().forEach(id -> c.require(id != null && !id.isBlank() && id.length() <= 100, "characterIds must be ids"));
        }
        List<LoreEntryData> raw = in.entries() == null ? List.of() : in.entries();
        if (raw.size() > limits.maxLoreEntries()) {
            throw ApiException.validation("the lorebook has " + raw.size() + " entries; at most " + limits.maxLoreEntries()
                + " are accepted", List.of("split it into several lorebooks"));
        }
        List<LoreEntryData> entries = new ArrayList<>(raw.size());
        Set<Integer> uids = new HashSet<>();
        int nextUid = raw.stream().filter(e -> e != null && e.uid() != null).mapToInt(LoreEntryData::uid).max().orElse(-1) + 1;
        for (int i = 0; i < raw.size(); i++) {
            LoreEntryData e = raw.get(i);
            if (e == null) {
                c.require(false, "entries[" + i + "] is null");
                continue;
            }
            LoreEntryData d = e.uid() == null ? e.withDefaults(nextUid++) : e.withDefaults(0);
            String where = "entry " + d.uid();
            c.require(d.uid() >= 0, where + ": uid must not be negative");
            c.require(uids.add(d.uid()), where + ": uid is used by more than one entry");
            c.require(d.content().length() <= limits.maxEntryContentChars(), where + ": content is " + d.content().length()
                + " characters; at most " + limits.maxEntryContentChars());
            c.require(d.comment().length() <= 2000, where + ": comment is longer than 2000 characters");
            int keyCount = d.keys().size() + d.secondaryKeys().size();
            c.require(keyCount <= limits.maxKeysPerEntry(), where + ": has " + keyCount + " keys; at most " + limits.maxKeysPerEntry());
            if (keyCount <= limits.maxKeysPerEntry()) {
                checkKeys(c, where, d.keys());
                checkKeys(c, where, d.secondaryKeys());
            }
            c.require(d.probability() >= 0 && d.probability() <= 100, where + ": probability must be 0..100");
            c.require(d.depth() >= 0 && d.depth() <= 10_000, where + ": depth must be 0..10000");
            c.require(Math.abs(d.insertionOrder()) <= 1_000_000, where + ": order must be within +-1000000");
            c.require(d.scanDepth() == null || (d.scanDepth() >= 0 && d.scanDepth() <= 1000), where + ": scanDepth must be 0..1000");
            c.require(ROLES.contains(d.role()), where + ": role must be system, user or assistant");
            c.require(d.extra() == null || d.extra().toString().length() <= 20_000, where + ": has too much extra data");
            entries.add(d);
        }
        c.throwIfAny("the lorebook is invalid");
        return entries;
    }

    private void checkKeys(Checks c, String where, List<String> keys) {
        for (String key : keys) {
            if (key == null || key.isBlank()) {
                c.require(false, where + ": keys must not be empty");
                continue;
            }
            if (key.length() > limits.maxKeyChars()) {
                c.require(false, where + ": a key is longer than " + limits.maxKeyChars() + " characters");
                continue;
            }
            if (WorldInfoFormat.isRegex(key)) {
                String pattern = key.substring(1, key.lastIndexOf('/'));
                try {
                    Pattern.compile(pattern);
                } catch (PatternSyntaxException ex) {
                    c.require(false, where + ": key " + key + " is not a valid regular expression (" + ex.getDescription() + ")");
                }
            }
        }
    }
}
