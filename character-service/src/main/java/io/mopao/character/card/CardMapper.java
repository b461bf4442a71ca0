package io.mopao.character.card;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mopao.character.service.CharacterContent;
import io.mopao.character.service.ContentRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Character Card JSON (V1, V2 {@code chara_card_v2}, V3 {@code chara_card_v3}) to {@link CharacterContent} and back.
 * Extensions, the embedded {@code character_book} and V3 assets are carried as JSON, untouched, so unknown keys
 * survive a round trip.
 */
public final class CardMapper {

    public static final String SPEC_V2 = "chara_card_v2";
    public static final String SPEC_V3 = "chara_card_v3";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private CardMapper() {
    }

    /**
     * A parsed card.
     *
     * @param specVersion 1, 2 or 3
     * @param content the content (visibility and rating not yet set)
     */
    public record ParsedCard(int specVersion, CharacterContent content) {
    }

    /** Reads a card document; {@code visibility} and {@code contentRating} are applied to the content. */
    public static ParsedCard fromCard(JsonNode root, String visibility, String contentRating) {
        if (root == null || !root.isObject()) {
            throw CardErrors.invalidCard("card JSON must be an object");
        }
        JsonNode specNode = root.get("spec");
        int version;
        JsonNode data;
        String prefix;
        if (specNode == null || specNode.isNull()) {
            version = 1;
            data = root;
            prefix = "";
        } else if (!specNode.isTextual()) {
            throw CardErrors.invalidCard("card field 'spec' must be a string");
        } else {
            String spec = specNode.asText();
            if (SPEC_V3.equals(spec)) {
                version = 3;
            } else if (SPEC_V2.equals(spec)) {
                version = 2;
            } else {
                throw CardErrors.invalidCard("unsupported card spec '" + abbreviate(spec)
                    + "' (expected chara_card_v2 or chara_card_v3)");
            }
            data = root.get("data");
            if (data == null || !data.isObject()) {
                throw CardErrors.invalidCard("a " + spec + " card needs a 'data' object");
            }
            prefix = "data.";
        }
        Fields f = new Fields(data, prefix);
        String name = f.string("name");
        if (name == null || name.isBlank()) {
            throw CardErrors.invalidCard("card has no name (" + prefix + "name is missing or empty)");
        }
        JsonNode extensions = version == 1 ? JSON.objectNode() : f.object("extensions");
        JsonNode book = version == 1 ? null : f.object("character_book");
        if (book != null) {
            checkBook(book, prefix + "character_book");
        }
        JsonNode assets = version == 3 ? f.array("assets") : null;
        if (assets != null) {
            checkAssets(assets, prefix + "assets");
        }
        List<String> tags = f.strings("tags");
        String rating = contentRating;
        if (rating == null) {
            rating = tags.stream().anyMatch(t -> t.toLowerCase(Locale.ROOT).equals("nsfw")) ? "mature" : "general";
        }
        CharacterContent content = new CharacterContent(
            name,
            version == 3 ? f.string("nickname") : null,
            orEmpty(f.string("description")),
            orEmpty(f.string("personality")),
            orEmpty(f.string("scenario")),
            orEmpty(f.string("first_mes")),
            f.strings("alternate_greetings"),
            version == 3 ? f.strings("group_only_greetings") : List.of(),
            orEmpty(f.string("mes_example")),
            orEmpty(f.string("system_prompt")),
            orEmpty(f.string("post_history_instructions")),
            orEmpty(f.string("creator_notes")),
            version == 3 ? f.stringMap("creator_notes_multilingual") : Map.of(),
            tags,
            orEmpty(f.string("creator")),
            orEmpty(f.string("character_version")),
            version == 3 ? f.strings("source") : List.of(),
            version == 3 ? f.epochSeconds("creation_date") : null,
            assets,
            book,
            extensions == null ? JSON.objectNode() : extensions,
            visibility,
            rating);
        return new ParsedCard(version, content);
    }

    /** A V3 card ({@code chara_card_v3}, spec_version 3.0). */
    public static ObjectNode toV3(CharacterContent c, long creationDate, long modificationDate) {
        ObjectNode root = JSON.objectNode();
        root.put("spec", SPEC_V3);
        root.put("spec_version", "3.0");
        ObjectNode data = root.putObject("data");
        data.put("name", c.name());
        data.put("description", c.description());
        data.set("tags", strings(c.tags()));
        data.put("creator", c.creator());
        data.put("character_version", c.characterVersion());
        data.put("mes_example", c.exampleMessages());
        data.set("extensions", c.extensions() == null ? JSON.objectNode() : c.extensions().deepCopy());
        data.put("system_prompt", c.systemPrompt());
        data.put("post_history_instructions", c.postHistoryInstructions());
        data.put("first_mes", c.firstMessage());
        data.set("alternate_greetings", strings(c.alternateGreetings()));
        data.put("personality", c.personality());
        data.put("scenario", c.scenario());
        data.put("creator_notes", c.creatorNotes());
        if (c.characterBook() != null) {
            data.set("character_book", c.characterBook().deepCopy());
        }
        if (c.assets() != null) {
            data.set("assets", c.assets().deepCopy());
        }
        if (c.nickname() != null) {
            data.put("nickname", c.nickname());
        }
        ObjectNode notes = data.putObject("creator_notes_multilingual");
        c.creatorNotesMultilingual().forEach(notes::put);
        data.set("source", strings(c.source()));
        data.set("group_only_greetings", strings(c.groupOnlyGreetings()));
        data.put("creation_date", creationDate);
        data.put("modification_date", modificationDate);
        return root;
    }

    /** A V2 card ({@code chara_card_v2}, spec_version 2.0) with the V1 fields mirrored at the root for old readers. */
    public static ObjectNode toV2(CharacterContent c) {
        ObjectNode root = JSON.objectNode();
        root.put("spec", SPEC_V2);
        root.put("spec_version", "2.0");
        root.put("name", c.name());
        root.put("description", c.description());
        root.put("personality", c.personality());
        root.put("scenario", c.scenario());
        root.put("first_mes", c.firstMessage());
        root.put("mes_example", c.exampleMessages());
        ObjectNode data = root.putObject("data");
        data.put("name", c.name());
        data.put("description", c.description());
        data.put("personality", c.personality());
        data.put("scenario", c.scenario());
        data.put("first_mes", c.firstMessage());
        data.put("mes_example", c.exampleMessages());
        data.put("creator_notes", c.creatorNotes());
        data.put("system_prompt", c.systemPrompt());
        data.put("post_history_instructions", c.postHistoryInstructions());
        data.set("alternate_greetings", strings(c.alternateGreetings()));
        if (c.characterBook() != null) {
            data.set("character_book", c.characterBook().deepCopy());
        }
        data.set("tags", strings(c.tags()));
        data.put("creator", c.creator());
        data.put("character_version", c.characterVersion());
        data.set("extensions", c.extensions() == null ? JSON.objectNode() : c.extensions().deepCopy());
        return root;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = JSON.arrayNode();
        values.forEach(array::add);
        return array;
    }

    private static void checkBook(JsonNode book, String path) {
        JsonNode entries = book.get("entries");
        if (entries == null || !entries.isArray()) {
            throw CardErrors.invalidCard(path + ".entries must be an array");
        }
        int i = 0;
        for (JsonNode entry : entries) {
            String at = path + ".entries[" + i++ + "]";
            if (!entry.isObject()) {
                throw CardErrors.invalidCard(at + " must be an object");
            }
            JsonNode keys = entry.get("keys");
            if (keys != null && !keys.isNull() && !allText(keys)) {
                throw CardErrors.invalidCard(at + ".keys must be an array of strings");
            }
            JsonNode content = entry.get("content");
            if (content != null && !content.isNull() && !content.isTextual()) {
                throw CardErrors.invalidCard(at + ".content must be a string");
            }
        }
    }

    private static void checkAssets(JsonNode assets, String path) {
        int i = 0;
        for (JsonNode asset : assets) {
            String at = path + "[" + i++ + "]";
            if (!asset.isObject() || !asset.path("type").isTextual() || !asset.path("uri").isTextual()) {
                throw CardErrors.invalidCard(at + " must be an object with string 'type' and 'uri'");
            }
        }
    }

    private static boolean allText(JsonNode array) {
        if (!array.isArray()) {
            return false;
        }
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** Typed access to a card's fields with messages that name the field. */
    private record Fields(JsonNode data, String prefix) {

        String string(String field) {
            JsonNode n = data.get(field);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isTextual()) {
                throw CardErrors.invalidCard("card field " + prefix + field + " must be a string");
            }
            return n.asText();
        }

        List<String> strings(String field) {
            JsonNode n = data.get(field);
            if (n == null || n.isNull()) {
                return List.of();
            }
            if (!allText(n)) {
                throw CardErrors.invalidCard("card field " + prefix + field + " must be an array of strings");
            }
            List<String> values = new ArrayList<>(n.size());
            n.forEach(v -> values.add(v.asText()));
            return values;
        }

        Map<String, String> stringMap(String field) {
            JsonNode n = data.get(field);
            if (n == null || n.isNull()) {
                return Map.of();
            }
            if (!n.isObject()) {
                throw CardErrors.invalidCard("card field " + prefix + field + " must be an object of strings");
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                if (!e.getValue().isTextual()) {
                    throw CardErrors.invalidCard("card field " + prefix + field + "." + e.getKey() + " must be a string");
                }
                values.put(e.getKey(), e.getValue().asText());
            }
            return values;
        }

        JsonNode object(String field) {
            JsonNode n = data.get(field);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isObject()) {
                throw CardErrors.invalidCard("card field " + prefix + field + " must be an object");
            }
            return n;
        }

        JsonNode array(String field) {
            JsonNode n = data.get(field);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isArray()) {
                throw CardErrors.invalidCard("card field " + prefix + field + " must be an array");
            }
            return n;
        }

        /**
         * Unix seconds, which must be in {@link ContentRules#CREATION_DATE_RANGE}; null when absent, not a number or not a
         * whole number. Some card tools write milliseconds (JavaScript's {@code Date.now()}): a whole number that is too
         * large for seconds but in range as milliseconds is read as milliseconds.
         */
        Long epochSeconds(String field) {
            JsonNode n = data.get(field);
            if (n == null || !n.isNumber()) {
                return null;
            }
            double seconds = n.doubleValue(); // exact in the range; huge, infinite and NaN values fall outside it
            if (n.isIntegralNumber() && seconds > ContentRules.CREATION_DATE_MAX && seconds / 1000 <= ContentRules.CREATION_DATE_MAX) {
                return n.asLong() / 1000;
            }
            if (!(seconds >= ContentRules.CREATION_DATE_MIN && seconds <= ContentRules.CREATION_DATE_MAX)) {
                throw CardErrors.invalidCard("card field " + prefix + field + " must be " + ContentRules.CREATION_DATE_RANGE
                    + ", not " + abbreviate(n.toString()));
            }
            return n.isIntegralNumber() ? n.asLong() : null;
        }
    }
}
