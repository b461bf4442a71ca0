package io.mopao.world.mapping;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mopao.events.lore.LoreEntry;
import io.mopao.service.error.ApiException;
import io.mopao.world.mapping.LorebookDtos.LorebookInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes SillyTavern World Info JSON ({@code {"entries": {"<uid>": {...}}}}) and the Character Card V3
 * standalone {@code lorebook_v3} format ({@code {"spec": "lorebook_v3", "data": {...}}}); a card's embedded
 * {@code character_book} (V2/V3) imports too. Field names are SillyTavern's; what Mopao does not interpret is kept in
 * {@link LoreEntryData#extra()} and written back on export.
 */
public final class WorldInfoFormat {

    /** Export formats. */
    public enum Format { SILLYTAVERN, LOREBOOK_V3 }

    /** SillyTavern {@code world_info_position} values in order 0..6 (7 = outlet, kept in extra). */
    private static final List<LoreEntry.Position> ST_POSITIONS = List.of(LoreEntry.Position.BEFORE_CHARACTER,
        LoreEntry.Position.AFTER_CHARACTER, LoreEntry.Position.TOP_OF_AUTHORS_NOTE, LoreEntry.Position.BOTTOM_OF_AUTHORS_NOTE,
        LoreEntry.Position.AT_DEPTH, LoreEntry.Position.BEFORE_EXAMPLES, LoreEntry.Position.AFTER_EXAMPLES);
    private static final int ST_OUTLET = 7;
    private static final List<String> ST_ROLES = List.of("system", "user", "assistant");

    /** SillyTavern entry fields Mopao maps; every other field goes to extra. */
    private static final Set<String> ST_MAPPED = Set.of("uid", "key", "keysecondary", "comment", "content", "constant", "selective",
        "selectiveLogic", "order", "position", "disable", "excludeRecursion", "preventRecursion", "delayUntilRecursion", "probability",
        "useProbability", "depth", "scanDepth", "caseSensitive", "matchWholeWords", "role");

    private static final Set<String> V3_MAPPED = Set.of("keys", "content", "extensions", "enabled", "insertion_order", "case_sensitive",
        "use_regex", "constant", "name", "priority", "id", "comment", "selective", "secondary_keys", "position");

    private final ObjectMapper mapper;

    /**
     * @param maxBytes largest accepted document (also bounds any one string in it)
     */
    public WorldInfoFormat(int maxBytes) {
        this.mapper = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(maxBytes).build()).build())
            .build();
    }

    /** Parses an uploaded file; the lorebook name falls back to {@code fallbackName}. Throws 400 on anything unreadable. */
    public LorebookInput read(byte[] body, String fallbackName) {
        if (body == null || body.length == 0) {
            throw ApiException.validation("the file is empty", List.of("upload a SillyTavern World Info or lorebook_v3 JSON file"));
        }
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JacksonException e) {
            throw new ApiException(400, "malformed_json", "the file is not valid JSON", List.of(String.valueOf(e.getOriginalMessage())));
        } catch (java.io.IOException e) {
            throw new ApiException(400, "malformed_json", "the file could not be read", List.of());
        }
        if (root == null || !root.isObject()) {
            throw notWorldInfo();
        }
        String spec = root.path("spec").asText("");
        if (spec.equals("lorebook_v3")) {
            return readV3Book(root.path("data"), fallbackName);
        }
        if (spec.equals("chara_card_v2") || spec.equals("chara_card_v3")) {
            JsonNode book = root.path("data").path("character_book");
            if (!book.isObject()) {
                throw ApiException.validation("the character card has no character_book", List.of());
            }
            String name = book.path("name").asText("");
            return readV3Book(book, name.isBlank() ? root.path("data").path("name").asText(fallbackName) : name);
        }
        JsonNode entries = root.get("entries");
        if (entries != null && entries.isObject()) {
            return readSillyTavern(root, fallbackName);
        }
        if (entries != null && entries.isArray()) {
            return readV3Book(root, fallbackName);
        }
        throw notWorldInfo();
    }

    private static ApiException notWorldInfo() {
        return ApiException.validation("not a World Info file",
            List.of("expected SillyTavern World Info ({\"entries\": {...}}), {\"spec\": \"lorebook_v3\", ...} or a character card with "
                + "a character_book"));
    }

    private LorebookInput readSillyTavern(JsonNode root, String fallbackName) {
        List<String> problems = new ArrayList<>();
        List<LoreEntryData> entries = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.get("entries").fields();
        int index = 0;
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (index++ > 100_000) {
                break;
            }
            JsonNode e = field.getValue();
            if (!e.isObject()) {
                problems.add("entries['" + field.getKey() + "'] is not an object");
                continue;
            }
            String where = "entry '" + field.getKey() + "'";
            Integer uid = intOrNull(e.get("uid"), where + " uid", problems);
            if (uid == null) {
                uid = parseIntOr(field.getKey(), null);
            }
            Integer logic = intOrNull(e.get("selectiveLogic"), where + " selectiveLogic", problems);
            LoreEntry.SelectiveLogic selectiveLogic = null;
            if (logic != null) {
                if (logic < 0 || logic > 3) {
                    problems.add(where + ": selectiveLogic must be 0 (AND ANY), 1 (NOT ALL), 2 (NOT ANY) or 3 (AND ALL)");
                } else {
                    selectiveLogic = LoreEntry.SelectiveLogic.values()[logic];
                }
            }
            ObjectNode extra = JsonNodeFactory.instance.objectNode();
            Integer position = intOrNull(e.get("position"), where + " position", problems);
            LoreEntry.Position pos = null;
            if (position != null) {
                if (position >= 0 && position < ST_POSITIONS.size()) {
                    pos = ST_POSITIONS.get(position);
                } else if (position == ST_OUTLET) {
                    pos = LoreEntry.Position.AFTER_CHARACTER;
                    extra.put("position", ST_OUTLET);
                } else {
                    problems.add(where + ": position " + position + " is not a SillyTavern position (0-7)");
                }
            }
            Integer role = intOrNull(e.get("role"), where + " role", problems);
            if (role != null && (role < 0 || role > 2)) {
                problems.add(where + ": role must be 0 (system), 1 (user) or 2 (assistant)");
                role = null;
            }
            JsonNode delay = e.get("delayUntilRecursion");
            if (delay != null && delay.isNumber()) {
                extra.set("delayUntilRecursion", delay);
            }
            Iterator<Map.Entry<String, JsonNode>> all = e.fields();
            while (all.hasNext()) {
                Map.Entry<String, JsonNode> f = all.next();
                if (!ST_MAPPED.contains(f.getKey())) {
                    extra.set(f.getKey(), f.getValue());
                }
            }
            Boolean disable = boolOrNull(e.get("disable"));
            entries.add(new LoreEntryData(uid, keys(e.get("key"), where + " key", problems),
                keys(e.get("keysecondary"), where + " keysecondary", problems), selectiveLogic, boolOrNull(e.get("selective")),
                boolOrNull(e.get("constant")), disable == null ? null : !disable,
                intOrNull(e.get("order"), where + " order", problems), pos,
                intOrNull(e.get("depth"), where + " depth", problems), role == null ? null : ST_ROLES.get(role),
                intOrNull(e.get("scanDepth"), where + " scanDepth", problems), boolOrNull(e.get("caseSensitive")),
                boolOrNull(e.get("matchWholeWords")), intOrNull(e.get("probability"), where + " probability", problems),
                boolOrNull(e.get("useProbability")), boolOrNull(e.get("excludeRecursion")), boolOrNull(e.get("preventRecursion")),
                delay == null ? null : delay.isNumber() ? delay.asInt() > 0 : delay.asBoolean(false), text(e.get("comment")),
                text(e.get("content")), extra.isEmpty() ? null : extra));
        }
        if (!problems.isEmpty()) {
            throw ApiException.validation("the World Info file has invalid entries", problems.subList(0, Math.min(50, problems.size())));
        }
        JsonNode mopao = root.path("extensions").path("mopao");
        String name = text(root.get("name"));
        return new LorebookInput(name == null || name.isBlank() ? fallbackName : name, text(root.get("description")),
            intOrNull(mopao.get("scanDepth"), "scanDepth", problems), intOrNull(mopao.get("tokenBudget"), "tokenBudget", problems),
            boolOrNull(mopao.get("recursiveScanning")), entries, null, null);
    }

    private LorebookInput readV3Book(JsonNode book, String fallbackName) {
        if (!book.isObject() || !book.path("entries").isArray()) {
            throw ApiException.validation("lorebook_v3 data must be an object with an entries array", List.of());
        }
        List<String> problems = new ArrayList<>();
        List<LoreEntryData> entries = new ArrayList<>();
        int i = 0;
        for (JsonNode e : book.get("entries")) {
            String where = "entries[" + i + "]";
            if (!e.isObject()) {
                problems.add(where + " is not an object");
                i++;
                continue;
            }
            JsonNode ext = e.path("extensions");
            ObjectNode extra = JsonNodeFactory.instance.objectNode();
            if (ext.path("mopao_extra").isObject()) {
                extra.setAll((ObjectNode) ext.get("mopao_extra"));
            }
            Iterator<Map.Entry<String, JsonNode>> all = e.fields();
            while (all.hasNext()) {
                Map.Entry<String, JsonNode> f = all.next();
                if (!V3_MAPPED.contains(f.getKey())) {
                    extra.set(f.getKey(), f.getValue());
                }
            }
            boolean regex = e.path("use_regex").asBoolean(false);
            Boolean caseSensitive = boolOrNull(e.get("case_sensitive"));
            if (caseSensitive == null) {
                caseSensitive = boolOrNull(ext.get("case_sensitive"));
            }
            List<String> keys = keys(e.get("keys"), where + " keys", problems);
            List<String> secondary = keys(e.get("secondary_keys"), where + " secondary_keys", problems);
            if (regex) {
                String flags = Boolean.TRUE.equals(caseSensitive) ? "" : "i";
                keys = keys.stream().map(k -> isRegex(k) ? k : "/" + k + "/" + flags).toList();
                secondary = secondary.stream().map(k -> isRegex(k) ? k : "/" + k + "/" + flags).toList();
            }
            LoreEntry.Position pos = null;
            Integer stPosition = intOrNull(ext.get("position"), where + " extensions.position", problems);
            if (stPosition != null && stPosition >= 0 && stPosition < ST_POSITIONS.size()) {
                pos = ST_POSITIONS.get(stPosition);
            } else if (stPosition != null && stPosition == ST_OUTLET) {
                pos = LoreEntry.Position.AFTER_CHARACTER;
                extra.put("position", ST_OUTLET);
            } else if (stPosition != null) {
                problems.add(where + ": extensions.position " + stPosition + " is not a SillyTavern position (0-7)");
            } else if (e.hasNonNull("position")) {
                String p = e.get("position").asText();
                if (p.equals("before_char")) {
                    pos = LoreEntry.Position.BEFORE_CHARACTER;
                } else if (p.equals("after_char")) {
                    pos = LoreEntry.Position.AFTER_CHARACTER;
                } else {
                    problems.add(where + ": position must be before_char or after_char");
                }
            }
            Integer logic = intOrNull(ext.get("selectiveLogic"), where + " extensions.selectiveLogic", problems);
            LoreEntry.SelectiveLogic selectiveLogic = null;
            if (logic != null) {
                if (logic < 0 || logic > 3) {
                    problems.add(where + ": extensions.selectiveLogic must be 0..3");
                } else {
                    selectiveLogic = LoreEntry.SelectiveLogic.values()[logic];
                }
            }
            Integer role = intOrNull(ext.get("role"), where + " extensions.role", problems);
            if (role != null && (role < 0 || role > 2)) {
                problems.add(where + ": extensions.role must be 0..2");
                role = null;
            }
            Integer uid = intOrNull(e.get("id"), where + " id", problems);
            String comment = text(e.get("comment"));
            if ((comment == null || comment.isBlank()) && e.hasNonNull("name")) {
                comment = e.get("name").asText();
            }
            JsonNode delay = ext.get("delay_until_recursion");
            entries.add(new LoreEntryData(uid, keys, secondary, selectiveLogic, boolOrNull(e.get("selective")),
                boolOrNull(e.get("constant")),
                boolOrNull(e.get("enabled")), intOrNull(e.get("insertion_order"), where + " insertion_order", problems), pos,
                intOrNull(ext.get("depth"), where + " extensions.depth", problems), role == null ? null : ST_ROLES.get(role),
                intOrNull(ext.get("scan_depth"), where + " extensions.scan_depth", problems), caseSensitive,
                boolOrNull(ext.get("match_whole_words")), intOrNull(ext.get("probability"), where + " extensions.probability", problems),
                boolOrNull(ext.get("useProbability")), boolOrNull(ext.get("exclude_recursion")), boolOrNull(ext.get("prevent_recursion")),
                delay == null || delay.isNull() ? null : delay.isNumber() ? delay.asInt() > 0 : delay.asBoolean(false), comment,
                text(e.get("content")), extra.isEmpty() ? null : extra));
            i++;
        }
        if (!problems.isEmpty()) {
            throw ApiException.validation("the lorebook has invalid entries", problems.subList(0, Math.min(50, problems.size())));
        }
        String name = text(book.get("name"));
        return new LorebookInput(name == null || name.isBlank() ? fallbackName : name, text(book.get("description")),
            intOrNull(book.get("scan_depth"), "scan_depth", problems), intOrNull(book.get("token_budget"), "token_budget", problems),
            boolOrNull(book.get("recursive_scanning")), entries, null, null);
    }

    /** SillyTavern World Info JSON: {@code entries} keyed by uid, SillyTavern field names and numeric enums. */
    public ObjectNode writeSillyTavern(String name, String description, Integer scanDepth, Integer tokenBudget, boolean recursive,
        List<LoreEntryData> entries) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("name", name);
        root.put("description", description);
        ObjectNode out = root.putObject("entries");
        int displayIndex = 0;
        for (LoreEntryData e : entries) {
            ObjectNode st = out.putObject(Integer.toString(e.uid()));
            st.put("uid", e.uid());
            strings(st.putArray("key"), e.keys());
            strings(st.putArray("keysecondary"), e.secondaryKeys());
            st.put("comment", e.comment());
            st.put("content", e.content());
            st.put("constant", e.constant());
            st.put("selective", e.selective());
            st.put("selectiveLogic", e.selectiveLogic().ordinal());
            st.put("order", e.insertionOrder());
            st.put("position", ST_POSITIONS.indexOf(e.position()));
            st.put("disable", !e.enabled());
            st.put("excludeRecursion", e.excludeRecursion());
            st.put("preventRecursion", e.preventRecursion());
            st.put("delayUntilRecursion", e.delayUntilRecursion());
            st.put("probability", e.probability());
            st.put("useProbability", e.useProbability());
            st.put("depth", e.depth());
            putNullable(st, "scanDepth", e.scanDepth());
            putNullable(st, "caseSensitive", e.caseSensitive());
            putNullable(st, "matchWholeWords", e.matchWholeWords());
            st.put("role", Math.max(0, ST_ROLES.indexOf(e.role())));
            st.put("displayIndex", displayIndex++);
            if (e.extra() != null) {
                st.setAll(e.extra().deepCopy());
            }
        }
        ObjectNode mopao = root.putObject("extensions").putObject("mopao");
        putNullable(mopao, "scanDepth", scanDepth);
        putNullable(mopao, "tokenBudget", tokenBudget);
        mopao.put("recursiveScanning", recursive);
        return root;
    }

    /** Character Card V3 standalone lorebook; SillyTavern-only fields go to each entry's extensions as SillyTavern writes them. */
    public ObjectNode writeV3(String name, String description, Integer scanDepth, Integer tokenBudget, boolean recursive,
        List<LoreEntryData> entries) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("spec", "lorebook_v3");
        ObjectNode data = root.putObject("data");
        data.put("name", name);
        data.put("description", description);
        putNullable(data, "scan_depth", scanDepth);
        putNullable(data, "token_budget", tokenBudget);
        data.put("recursive_scanning", recursive);
        data.putObject("extensions");
        ArrayNode out = data.putArray("entries");
        int displayIndex = 0;
        for (LoreEntryData e : entries) {
            ObjectNode v3 = out.addObject();
            strings(v3.putArray("keys"), e.keys());
            v3.put("content", e.content());
            v3.put("enabled", e.enabled());
            v3.put("insertion_order", e.insertionOrder());
            v3.put("use_regex", false);
            v3.put("constant", e.constant());
            v3.put("id", e.uid());
            v3.put("comment", e.comment());
            v3.put("name", e.comment());
            v3.put("selective", e.selective());
            strings(v3.putArray("secondary_keys"), e.secondaryKeys());
            v3.put("position", e.position() == LoreEntry.Position.BEFORE_CHARACTER ? "before_char" : "after_char");
            putNullable(v3, "case_sensitive", e.caseSensitive());
            ObjectNode ext = v3.putObject("extensions");
            boolean outlet = e.extra() != null && e.extra().path("position").asInt(-1) == ST_OUTLET;
            ext.put("position", outlet ? ST_OUTLET : ST_POSITIONS.indexOf(e.position()));
            ext.put("depth", e.depth());
            ext.put("role", Math.max(0, ST_ROLES.indexOf(e.role())));
            ext.put("selectiveLogic", e.selectiveLogic().ordinal());
            ext.put("probability", e.probability());
            ext.put("useProbability", e.useProbability());
            ext.put("exclude_recursion", e.excludeRecursion());
            ext.put("prevent_recursion", e.preventRecursion());
            ext.put("delay_until_recursion", e.delayUntilRecursion());
            ext.put("display_index", displayIndex++);
            putNullable(ext, "scan_depth", e.scanDepth());
            putNullable(ext, "match_whole_words", e.matchWholeWords());
            putNullable(ext, "case_sensitive", e.caseSensitive());
            if (e.extra() != null) {
                ext.set("mopao_extra", e.extra().deepCopy());
            }
        }
        return root;
    }

    /** SillyTavern's rule: a key written {@code /pattern/flags} is a regular expression. */
    public static boolean isRegex(String key) {
        if (key == null || key.length() < 3 || key.charAt(0) != '/') {
            return false;
        }
        int end = key.lastIndexOf('/');
        if (end <= 1) {
            return false;
        }
        String flags = key.substring(end + 1);
        return flags.chars().allMatch(ch -> "gimsuyd".indexOf(ch) >= 0);
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static void putNullable(ObjectNode node, String field, Object value) {
        switch (value) {
            case null -> node.putNull(field);
            case Integer i -> node.put(field, i);
            case Boolean b -> node.put(field, b);
            default -> node.put(field, value.toString());
        }
    }

    private static List<String> keys(JsonNode node, String where, List<String> problems) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return Arrays.stream(node.asText().split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }
        if (!node.isArray()) {
            problems.add(where + " must be a list of strings");
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        for (JsonNode k : node) {
            if (k.isTextual() || k.isNumber()) {
                keys.add(k.asText());
            } else {
                problems.add(where + " must contain only strings");
                break;
            }
        }
        return keys;
    }

    private static Integer intOrNull(JsonNode node, String where, List<String> problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return node.asInt();
        }
        if (node.isNumber()) {
            return (int) Math.round(node.asDouble());
        }
        if (node.isTextual()) {
            Integer parsed = parseIntOr(node.asText().strip(), null);
            if (parsed != null) {
                return parsed;
            }
        }
        problems.add(where + " must be a number");
        return null;
    }

    private static Integer parseIntOr(String value, Integer fallback) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static Boolean boolOrNull(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isNumber()) {
            return node.asInt() != 0;
        }
        return Boolean.parseBoolean(node.asText());
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
