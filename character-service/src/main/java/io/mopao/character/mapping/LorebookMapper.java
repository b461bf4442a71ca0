package io.mopao.character.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import io.mopao.events.lore.LoreEntry;
import io.mopao.events.lore.Lorebook;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Maps a card's embedded {@code character_book} (Character Card V2/V3 format, with SillyTavern's entry extensions) to
 * the {@link Lorebook} that events carry. The card JSON itself is kept unchanged; this is a read-only projection.
 */
public final class LorebookMapper {

    private LorebookMapper() {
    }

    /** The stable lorebook id of a character's embedded book. */
    public static String lorebookId(String characterId) {
        return UUID.nameUUIDFromBytes(("mopao:character-book:" + characterId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    public static Lorebook toLorebook(String characterId, String characterName, JsonNode book) {
        if (book == null || !book.isObject()) {
            return null;
        }
        List<LoreEntry> entries = new ArrayList<>();
        int index = 0;
        for (JsonNode e : book.path("entries")) {
            entries.add(toEntry(e, index++));
        }
        String name = text(book, "name");
        return new Lorebook(lorebookId(characterId), name == null || name.isBlank() ? characterName + " (character book)" : name,
            text(book, "description"), intOrNull(book.get("scan_depth")), intOrNull(book.get("token_budget")),
            book.path("recursive_scanning").asBoolean(false), entries);
    }

    private static LoreEntry toEntry(JsonNode e, int index) {
        JsonNode ext = e.path("extensions");
        int uid = e.path("id").isIntegralNumber() ? e.path("id").asInt() : index;
        boolean useRegex = e.path("use_regex").asBoolean(false);
        List<String> keys = keys(e.path("keys"), useRegex);
        List<String> secondary = keys(e.path("secondary_keys"), useRegex);
        LoreEntry.Position position = position(e, ext);
        int depth = ext.path("depth").isIntegralNumber() ? ext.path("depth").asInt() : 4;
        String role = role(ext.path("role"));
        int probability = ext.path("probability").isNumber() ? ext.path("probability").asInt() : 100;
        String comment = text(e, "comment");
        if (comment == null) {
            comment = text(e, "name");
        }
        Boolean caseSensitive = e.path("case_sensitive").isBoolean() ? Boolean.valueOf(e.path("case_sensitive").asBoolean())
            : ext.path("case_sensitive").isBoolean() ? Boolean.valueOf(ext.path("case_sensitive").asBoolean()) : null;
        return new LoreEntry(uid, keys, secondary, selectiveLogic(ext.path("selectiveLogic")), e.path("selective").asBoolean(false),
            e.path("constant").asBoolean(false), e.path("enabled").asBoolean(true), e.path("insertion_order").asInt(100), position,
            depth, role, intOrNull(ext.get("scan_depth")), caseSensitive,
            ext.path("match_whole_words").isBoolean() ? Boolean.valueOf(ext.path("match_whole_words").asBoolean()) : null,
            probability, ext.path("useProbability").asBoolean(false), ext.path("exclude_recursion").asBoolean(false),
            ext.path("prevent_recursion").asBoolean(false), ext.path("delay_until_recursion").asBoolean(false), comment,
            e.path("content").asText(""));
    }

    private static List<String> keys(JsonNode array, boolean regex) {
        List<String> keys = new ArrayList<>();
        for (JsonNode k : array) {
            String key = k.asText();
            keys.add(regex && !key.startsWith("/") ? "/" + key + "/" : key);
        }
        return keys;
    }

    /** SillyTavern's numeric position in extensions wins over the card's before_char / after_char. */
    private static LoreEntry.Position position(JsonNode e, JsonNode ext) {
        JsonNode p = ext.path("position");
        if (p.isIntegralNumber()) {
            return switch (p.asInt()) {
                case 0 -> LoreEntry.Position.BEFORE_CHARACTER;
                case 2 -> LoreEntry.Position.TOP_OF_AUTHORS_NOTE;
                case 3 -> LoreEntry.Position.BOTTOM_OF_AUTHORS_NOTE;
                case 4 -> LoreEntry.Position.AT_DEPTH;
                case 5 -> LoreEntry.Position.BEFORE_EXAMPLES;
                case 6 -> LoreEntry.Position.AFTER_EXAMPLES;
                default -> LoreEntry.Position.AFTER_CHARACTER;
            };
        }
        return "before_char".equals(e.path("position").asText()) ? LoreEntry.Position.BEFORE_CHARACTER
            : LoreEntry.Position.AFTER_CHARACTER;
    }

    private static LoreEntry.SelectiveLogic selectiveLogic(JsonNode n) {
        return switch (n.asInt(0)) {
            case 1 -> LoreEntry.SelectiveLogic.NOT_ALL;
            case 2 -> LoreEntry.SelectiveLogic.NOT_ANY;
            case 3 -> LoreEntry.SelectiveLogic.AND_ALL;
            default -> LoreEntry.SelectiveLogic.AND_ANY;
        };
    }

    private static String role(JsonNode n) {
        if (n.isIntegralNumber()) {
            return switch (n.asInt()) {
                case 1 -> "user";
                case 2 -> "assistant";
                default -> "system";
            };
        }
        return n.isTextual() ? n.asText().toLowerCase(Locale.ROOT) : "system";
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Integer intOrNull(JsonNode n) {
        return n != null && n.isIntegralNumber() ? Integer.valueOf(n.asInt()) : null;
    }
}
