package io.mopao.character.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.mopao.character.repository.CharacterEntity;
import io.mopao.character.service.CharacterContent;
import io.mopao.character.service.CharacterSummary;
import io.mopao.character.service.CharacterView;
import io.mopao.events.character.CharacterSnapshot;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Entity to content, view, summary and event snapshot, and content to entity. */
public final class CharacterMapper {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private CharacterMapper() {
    }

    /** Copies content into the entity and refreshes the search columns. */
    public static void apply(CharacterContent c, CharacterEntity e) {
        e.name = c.name();
        e.nickname = c.nickname();
        e.description = c.description();
        e.personality = c.personality();
        e.scenario = c.scenario();
        e.firstMessage = c.firstMessage();
        e.alternateGreetings = write(c.alternateGreetings());
        e.groupOnlyGreetings = write(c.groupOnlyGreetings());
        e.exampleMessages = c.exampleMessages();
        e.systemPrompt = c.systemPrompt();
        e.postHistoryInstructions = c.postHistoryInstructions();
        e.creatorNotes = c.creatorNotes();
        e.creatorNotesMultilingual = write(c.creatorNotesMultilingual());
        e.tags = c.tags().toArray(new String[0]);
        Set<String> keys = new LinkedHashSet<>();
        c.tags().forEach(t -> keys.add(t.toLowerCase(Locale.ROOT)));
        e.tagKeys = keys.toArray(new String[0]);
        e.creator = c.creator();
        e.characterVersion = c.characterVersion();
        e.source = write(c.source());
        e.cardCreatedAt = c.creationDate() == null ? null : Instant.ofEpochSecond(c.creationDate());
        e.assets = c.assets() == null ? null : write(c.assets());
        e.characterBook = c.characterBook() == null ? null : write(c.characterBook());
        e.extensions = write(c.extensions() == null ? JsonNodeFactory.instance.objectNode() : c.extensions());
        e.visibility = c.visibility();
        e.contentRating = c.contentRating();
        e.searchText = String.join(" ", e.name, e.nickname == null ? "" : e.nickname, e.creator, String.join(" ", c.tags()),
            e.description.length() > 2000 ? e.description.substring(0, 2000) : e.description).toLowerCase(Locale.ROOT);
    }

    public static CharacterContent content(CharacterEntity e) {
        return new CharacterContent(e.name, e.nickname, e.description, e.personality, e.scenario, e.firstMessage,
            read(e.alternateGreetings, STRINGS), read(e.groupOnlyGreetings, STRINGS), e.exampleMessages, e.systemPrompt,
            e.postHistoryInstructions, e.creatorNotes, read(e.creatorNotesMultilingual, STRING_MAP), List.of(e.tags), e.creator,
            e.characterVersion, read(e.source, STRINGS), e.cardCreatedAt == null ? null : e.cardCreatedAt.getEpochSecond(),
            e.assets == null ? null : tree(e.assets), e.characterBook == null ? null : tree(e.characterBook), tree(e.extensions),
            e.visibility, e.contentRating);
    }

    public static String avatarUrl(CharacterEntity e) {
        return e.avatarSha256 == null ? null : "/characters/" + e.id + "/avatar?v=" + e.avatarSha256.substring(0, 12);
    }

    public static CharacterView view(CharacterEntity e, boolean showModeration) {
        return new CharacterView(e.id.toString(), e.version, e.ownerId, e.ownerName, e.hidden, showModeration ? e.hiddenReason : null,
            avatarUrl(e), e.createdAt, e.updatedAt, content(e));
    }

    public static CharacterSummary summary(CharacterEntity e) {
        String description = e.description.length() > 300 ? e.description.substring(0, 300) : e.description;
        return new CharacterSummary(e.id.toString(), e.version, e.name, e.nickname, description, List.of(e.tags), e.creator,
            e.ownerName, e.visibility, e.contentRating, e.hidden, avatarUrl(e), e.updatedAt);
    }

    /** Everything story-engine needs to build prompts, as of the entity's current version. */
    public static CharacterSnapshot snapshot(CharacterEntity e) {
        CharacterContent c = content(e);
        return new CharacterSnapshot(e.id.toString(), e.version, e.ownerId, e.ownerName, e.visibility, e.contentRating, e.hidden,
            c.name(), c.nickname(), c.description(), c.personality(), c.scenario(), c.firstMessage(), c.alternateGreetings(),
            c.groupOnlyGreetings(), c.exampleMessages(), c.systemPrompt(), c.postHistoryInstructions(), c.creatorNotes(),
            c.creatorNotesMultilingual(), c.tags(), c.creator(), c.characterVersion(), talkativeness(c.extensions()),
            LorebookMapper.toLorebook(e.id.toString(), c.name(), c.characterBook()), avatarUrl(e), c.extensions(), e.updatedAt);
    }

    /** SillyTavern keeps talkativeness in extensions, as a number or a numeric string. */
    static Double talkativeness(JsonNode extensions) {
        JsonNode t = extensions == null ? null : extensions.get("talkativeness");
        if (t == null || t.isNull()) {
            return null;
        }
        if (t.isNumber()) {
            return t.asDouble();
        }
        try {
            double v = Double.parseDouble(t.asText().trim());
            return Double.isFinite(v) ? v : null;
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), ex);
        }
    }

    public static String writeContent(CharacterContent content) {
        return write(content);
    }

    public static CharacterContent readContent(String json) {
        try {
            return JSON.readValue(json, CharacterContent.class);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("stored version content is unreadable", ex);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("stored JSON is unreadable", ex);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("stored JSON is unreadable", ex);
        }
    }
}
