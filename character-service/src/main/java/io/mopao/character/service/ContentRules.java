package io.mopao.character.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.mopao.character.mapping.CharacterMapper;
import io.mopao.service.error.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates character content and fills absent values with their empty defaults. Every violation is listed in the
 * 400's details, so a client can fix them all at once.
 */
public final class ContentRules {

    public static final Set<String> VISIBILITIES = Set.of("private", "unlisted", "public");
    public static final Set<String> RATINGS = Set.of("general", "teen", "mature");

    static final int NAME_MAX = 200;
    static final int TEXT_MAX = 100_000;
    static final int SHORT_MAX = 200;
    static final int LIST_MAX = 100;
    static final int TAGS_MAX = 50;
    static final int TAG_MAX = 64;
    static final int JSON_MAX = 2_000_000;
    static final int BOOK_MAX = 8_000_000;

    /** The earliest creation date (Unix seconds): 1970-01-01T00:00:00Z. */
    public static final long CREATION_DATE_MIN = 0;
    /** The latest creation date (Unix seconds): 9999-12-31T23:59:59Z. */
    public static final long CREATION_DATE_MAX = 253_402_300_799L;
    /** The accepted creation dates, for messages. */
    public static final String CREATION_DATE_RANGE = "Unix seconds from " + CREATION_DATE_MIN + " (1970-01-01) to "
        + CREATION_DATE_MAX + " (9999-12-31T23:59:59Z)";

    private ContentRules() {
    }

    /** Checked, normalised content; throws a 400 listing every problem. */
    public static CharacterContent check(CharacterContent c) {
        if (c == null) {
            throw ApiException.validation("the request body must be a character (JSON object)", List.of());
        }
        List<String> problems = new ArrayList<>();
        if (c.name() == null || c.name().isBlank()) {
            problems.add("name: required");
        }
        length(problems, "name", c.name(), NAME_MAX);
        length(problems, "nickname", c.nickname(), NAME_MAX);
        length(problems, "description", c.description(), TEXT_MAX);
        length(problems, "personality", c.personality(), TEXT_MAX);
        length(problems, "scenario", c.scenario(), TEXT_MAX);
        length(problems, "firstMessage", c.firstMessage(), TEXT_MAX);
        length(problems, "exampleMessages", c.exampleMessages(), TEXT_MAX);
        length(problems, "systemPrompt", c.systemPrompt(), TEXT_MAX);
        length(problems, "postHistoryInstructions", c.postHistoryInstructions(), TEXT_MAX);
        length(problems, "creatorNotes", c.creatorNotes(), TEXT_MAX);
        length(problems, "creator", c.creator(), SHORT_MAX);
        length(problems, "characterVersion", c.characterVersion(), SHORT_MAX);
        list(problems, "alternateGreetings", c.alternateGreetings(), LIST_MAX, TEXT_MAX);
        list(problems, "groupOnlyGreetings", c.groupOnlyGreetings(), LIST_MAX, TEXT_MAX);
        list(problems, "source", c.source(), LIST_MAX, 2_000);
        list(problems, "tags", c.tags(), TAGS_MAX, TAG_MAX);
        if (c.tags() != null && c.tags().stream().anyMatch(t -> t != null && t.isBlank())) {
            problems.add("tags: a tag must not be blank");
        }
        Map<String, String> notes = c.creatorNotesMultilingual();
        if (notes != null) {
            if (notes.size() > LIST_MAX) {
                problems.add("creatorNotesMultilingual: at most " + LIST_MAX + " languages");
            }
            notes.forEach((lang, text) -> {
                if (lang.length() > 35) {
                    problems.add("creatorNotesMultilingual: language code '" + lang.substring(0, 35) + "...' is too long");
                }
                if (text == null) {
                    problems.add("creatorNotesMultilingual." + lang + ": must be a string");
                } else {
                    length(problems, "creatorNotesMultilingual." + lang, text, TEXT_MAX);
                }
            });
        }
        if (c.extensions() != null && !c.extensions().isObject() && !c.extensions().isNull()) {
            problems.add("extensions: must be an object");
        } else if (c.extensions() != null && CharacterMapper.write(c.extensions()).length() > JSON_MAX) {
            problems.add("extensions: at most " + JSON_MAX + " characters of JSON");
        }
        if (c.characterBook() != null && !c.characterBook().isNull()) {
            if (!c.characterBook().isObject() || !c.characterBook().path("entries").isArray()) {
                problems.add("characterBook: must be an object with an 'entries' array (Character Card character_book)");
            } else if (CharacterMapper.write(c.characterBook()).length() > BOOK_MAX) {
                problems.add("characterBook: at most " + BOOK_MAX + " characters of JSON");
            }
        }
        if (c.assets() != null && !c.assets().isNull()) {
            if (!c.assets().isArray()) {
                problems.add("assets: must be an array");
            } else if (CharacterMapper.write(c.assets()).length() > JSON_MAX) {
                problems.add("assets: at most " + JSON_MAX + " characters of JSON");
            }
        }
        if (c.creationDate() != null && (c.creationDate() < CREATION_DATE_MIN || c.creationDate() > CREATION_DATE_MAX)) {
            problems.add("creationDate: " + CREATION_DATE_RANGE + " (got " + c.creationDate() + ")");
        }
        String visibility = c.visibility() == null ? "private" : c.visibility();
        if (!VISIBILITIES.contains(visibility)) {
            problems.add("visibility: must be private, unlisted or public");
        }
        String rating = c.contentRating() == null ? "general" : c.contentRating();
        if (!RATINGS.contains(rating)) {
            problems.add("contentRating: must be general, teen or mature");
        }
        if (!problems.isEmpty()) {
            throw ApiException.validation("the character is not valid", problems);
        }
        return new CharacterContent(c.name().strip(), blankToNull(c.nickname()), orEmpty(c.description()), orEmpty(c.personality()),
            orEmpty(c.scenario()), orEmpty(c.firstMessage()), orEmpty(c.alternateGreetings()), orEmpty(c.groupOnlyGreetings()),
            orEmpty(c.exampleMessages()), orEmpty(c.systemPrompt()), orEmpty(c.postHistoryInstructions()), orEmpty(c.creatorNotes()),
            notes == null ? Map.of() : notes, orEmpty(c.tags()), orEmpty(c.creator()), orEmpty(c.characterVersion()),
            orEmpty(c.source()), c.creationDate(), nullIfNull(c.assets()), nullIfNull(c.characterBook()),
            c.extensions() == null || c.extensions().isNull() ? JsonNodeFactory.instance.objectNode() : c.extensions(), visibility,
            rating);
    }

    private static void length(List<String> problems, String field, String value, int max) {
        if (value != null && value.length() > max) {
            problems.add(field + ": at most " + max + " characters (got " + value.length() + ")");
        }
    }

    private static void list(List<String> problems, String field, List<String> values, int maxItems, int maxLength) {
        if (values == null) {
            return;
        }
        if (values.size() > maxItems) {
            problems.add(field + ": at most " + maxItems + " items (got " + values.size() + ")");
        }
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) {
                problems.add(field + "[" + i + "]: must be a string");
            } else {
                length(problems, field + "[" + i + "]", values.get(i), maxLength);
            }
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static List<String> orEmpty(List<String> l) {
        return l == null ? List.of() : l;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static JsonNode nullIfNull(JsonNode n) {
        return n == null || n.isNull() ? null : n;
    }
}
