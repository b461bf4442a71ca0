package io.mopao.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * JSON serde for event envelopes. Reading is strict about the envelope (every CloudEvents attribute, a known type, a
 * supported schema version) and tolerant about unknown data fields (backward-compatible additions). Every failure is a
 * {@link MalformedEventException} whose message names the problem.
 */
public final class EventSerde {

    /** Deepest JSON nesting accepted; events are shallow, so anything deeper is hostile. */
    public static final int MAX_NESTING_DEPTH = 64;

    private static final EventSerde INSTANCE = new EventSerde();

    private final ObjectMapper mapper;

    private EventSerde() {
        JsonFactory factory = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            .build();
        this.mapper = JsonMapper.builder(factory)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();
    }

    public static EventSerde get() {
        return INSTANCE;
    }

    /** The configured mapper (for JSON Schema validation and tests). */
    public ObjectMapper mapper() {
        return mapper;
    }

    public String toJson(EventEnvelope<?> envelope) {
        try {
            return mapper.writeValueAsString(envelope);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot serialise event " + envelope.type() + ": " + e.getOriginalMessage(), e);
        }
    }

    public byte[] toBytes(EventEnvelope<?> envelope) {
        try {
            return mapper.writeValueAsBytes(envelope);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot serialise event " + envelope.type() + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads an envelope, whatever its type. Well-formed events take one pass: the envelope's attributes are read as
     * small JSON values and {@code data} straight into the event record, since {@code type} comes before it (as this
     * serde writes it). Anything else — {@code data} first, invalid JSON, data of the wrong shape — is read again as a
     * tree, which names the problem; both paths run the same checks in the same order.
     */
    public EventEnvelope<MopaoEvent> parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new MalformedEventException("empty record value (expected a CloudEvents JSON envelope)");
        }
        EventEnvelope<MopaoEvent> streamed = parseStreaming(bytes);
        if (streamed != null) {
            return streamed;
        }
        JsonNode root;
        try {
            root = mapper.readTree(bytes);
        } catch (JacksonException e) {
            throw new MalformedEventException("not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MalformedEventException("unreadable record value: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEventException("event must be a JSON object");
        }
        return envelope(root, null);
    }

    /** The one-pass read of a well-formed event; null when it does not apply (the tree read then decides). */
    private EventEnvelope<MopaoEvent> parseStreaming(byte[] bytes) {
        ObjectNode attributes = mapper.createObjectNode();
        MopaoEvent data = null;
        EventType dataType = null;
        try (JsonParser p = mapper.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (!"data".equals(field)) {
                    attributes.set(field, mapper.readTree(p));
                    continue;
                }
                dataType = value == JsonToken.START_OBJECT && data == null ? knownType(attributes) : null;
                if (dataType == null) {
                    return null;
                }
                data = mapper.readValue(p, dataType.recordClass());
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (data == null || dataType != knownType(attributes)) {
            return null;
        }
        return envelope(attributes, data);
    }

    /** The event type named by {@code type}, or null (absent, not a string, unknown). */
    private static EventType knownType(JsonNode attributes) {
        JsonNode type = attributes.get("type");
        return type == null || !type.isTextual() ? null : EventType.byCeType(type.asText()).orElse(null);
    }

    public EventEnvelope<MopaoEvent> parse(String json) {
        return parse(json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads an envelope and checks it is of the expected record class. */
    public <T extends MopaoEvent> EventEnvelope<T> parse(byte[] bytes, Class<T> expected) {
        EventEnvelope<MopaoEvent> envelope = parse(bytes);
        if (!expected.isInstance(envelope.data())) {
            throw new MalformedEventException("event type " + envelope.type() + " is not a " + expected.getSimpleName());
        }
        @SuppressWarnings("unchecked")
        EventEnvelope<T> typed = (EventEnvelope<T>) (EventEnvelope<?>) envelope;
        return typed;
    }

    /** Checks the envelope's attributes and builds it; {@code parsed} is its data already read, or null to convert root's. */
    private EventEnvelope<MopaoEvent> envelope(JsonNode root, MopaoEvent parsed) {
        String specversion = requiredText(root, "specversion");
        if (!EventEnvelope.SPEC_VERSION.equals(specversion)) {
            throw new MalformedEventException("unsupported specversion '" + specversion + "' (expected 1.0)");
        }
        String id = requiredText(root, "id");
        String source = requiredText(root, "source");
        String typeName = requiredText(root, "type");
        EventType type = EventType.byCeType(typeName)
            .orElseThrow(() -> new MalformedEventException("unknown event type '" + typeName + "'"));
        Instant time;
        try {
            time = Instant.parse(requiredText(root, "time"));
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("attribute 'time' is not an RFC 3339 timestamp");
        }
        JsonNode versionNode = root.get("schemaversion");
        int schemaVersion = versionNode == null ? 1 : versionNode.asInt(-1);
        if (schemaVersion < 1 || schemaVersion > type.schemaVersion()) {
            throw new MalformedEventException("unsupported schemaversion " + versionNode + " for " + typeName + " (this reader knows up to "
                + type.schemaVersion() + ")");
        }
        MopaoEvent data = parsed;
        JsonNode dataNode = root.get("data");
        if (data == null && (dataNode == null || !dataNode.isObject())) {
            throw new MalformedEventException("attribute 'data' must be a JSON object");
        }
        try {
            if (data == null) {
                data = mapper.treeToValue(dataNode, type.recordClass());
            }
        } catch (JacksonException e) {
            throw new MalformedEventException("data of " + typeName + " is invalid: " + e.getOriginalMessage(), e);
        } catch (RuntimeException e) {
            throw new MalformedEventException("data of " + typeName + " is invalid: " + e.getMessage(), e);
        }
        String key;
        try {
            key = data.key();
        } catch (RuntimeException e) {
            throw new MalformedEventException("data of " + typeName + " lacks the field its key is made of");
        }
        if (key == null || key.isBlank() || key.endsWith(":null")) {
            throw new MalformedEventException("data of " + typeName + " lacks the field its key is made of");
        }
        String subject = optionalText(root, "subject");
        String contentType = optionalText(root, "datacontenttype");
        String traceparent = optionalText(root, "traceparent");
        return new EventEnvelope<>(specversion, id, source, typeName, subject, time, schemaVersion,
            contentType == null ? EventEnvelope.CONTENT_TYPE : contentType, traceparent, data);
    }

    private static String requiredText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new MalformedEventException("missing required attribute '" + field + "'");
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new MalformedEventException("attribute '" + field + "' must be a non-empty string");
        }
        return node.asText();
    }

    private static String optionalText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }
}
