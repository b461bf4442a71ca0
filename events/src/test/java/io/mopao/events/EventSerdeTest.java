package io.mopao.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.mopao.events.dialogue.TokenChunk;
import io.mopao.events.testing.SampleEvents;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventSerdeTest {

    private final EventSerde serde = EventSerde.get();

    private static EventEnvelope<MopaoEvent> envelopeOf(EventType type) {
        return EventEnvelope.of("/mopao/test", SampleEvents.all().get(type), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyEventRoundTripsAndValidatesAgainstItsSchema(EventType type) throws IOException {
        EventEnvelope<MopaoEvent> envelope = envelopeOf(type);
        String json = serde.toJson(envelope);

        EventEnvelope<MopaoEvent> back = serde.parse(json);

        assertEquals(envelope, back);
        assertEquals(type, back.eventType());
        assertEquals(type.topic(), back.eventType().topic());
        try (InputStream in = EventType.class.getResourceAsStream(type.schemaResource())) {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
            Set<ValidationMessage> errors = schema.validate(serde.mapper().readTree(json));
            assertTrue(errors.isEmpty(), () -> type + " does not match its schema: " + errors);
        }
    }

    @Test
    void schemaRejectsAnEnvelopeWithoutData() throws IOException {
        ObjectNode node = (ObjectNode) serde.mapper().readTree(serde.toJson(envelopeOf(EventType.TOKEN_CHUNK)));
        node.remove("data");
        try (InputStream in = EventType.class.getResourceAsStream(EventType.TOKEN_CHUNK.schemaResource())) {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
            assertEquals(1, schema.validate(node).size());
        }
    }

    @Test
    void unknownDataFieldsAreIgnoredForForwardCompatibility() throws IOException {
        ObjectNode node = (ObjectNode) serde.mapper().readTree(serde.toJson(envelopeOf(EventType.TOKEN_CHUNK)));
        ((ObjectNode) node.get("data")).put("addedInALaterVersion", true);

        EventEnvelope<TokenChunk> back = serde.parse(node.toString().getBytes(StandardCharsets.UTF_8), TokenChunk.class);

        assertEquals("Who goes ", back.data().text());
    }

    @Test
    void anEnvelopeWithDataBeforeTypeReadsTheSameAsOneInTheUsualOrder() throws IOException {
        EventEnvelope<MopaoEvent> original = envelopeOf(EventType.TOKEN_CHUNK);
        ObjectNode usual = (ObjectNode) serde.mapper().readTree(serde.toJson(original));
        ObjectNode dataFirst = serde.mapper().createObjectNode();
        dataFirst.set("data", usual.get("data"));
        usual.fields().forEachRemaining(f -> {
            if (!f.getKey().equals("data")) {
                dataFirst.set(f.getKey(), f.getValue());
            }
        });
        assertEquals("data", dataFirst.fieldNames().next());

        assertEquals(original, serde.parse(dataFirst.toString()));
        assertEquals(original, serde.parse(usual.toString()));
    }

    @Test
    void rejectsTextThatIsNotJson() {
        assertMalformed("{\"id\": ", "not valid JSON");
        assertMalformed("", "empty record value");
        assertMalformed("[1,2]", "must be a JSON object");
    }

    @Test
    void rejectsAMissingEnvelopeAttribute() throws IOException {
        ObjectNode node = (ObjectNode) serde.mapper().readTree(serde.toJson(envelopeOf(EventType.TOKEN_CHUNK)));
        node.remove("id");
        assertMalformed(node.toString(), "missing required attribute 'id'");
    }

    @Test
    void rejectsAnUnknownTypeAndAFutureSchemaVersion() throws IOException {
        ObjectNode node = (ObjectNode) serde.mapper().readTree(serde.toJson(envelopeOf(EventType.TOKEN_CHUNK)));
        node.put("type", "io.mopao.nope");
        assertMalformed(node.toString(), "unknown event type 'io.mopao.nope'");
        node.put("type", EventType.TOKEN_CHUNK.ceType()).put("schemaversion", 99);
        assertMalformed(node.toString(), "unsupported schemaversion 99");
    }

    @Test
    void rejectsDataOfTheWrongShape() throws IOException {
        ObjectNode node = (ObjectNode) serde.mapper().readTree(serde.toJson(envelopeOf(EventType.TOKEN_CHUNK)));
        ((ObjectNode) node.get("data")).put("seq", "not a number");
        assertMalformed(node.toString(), "data of io.mopao.dialogue.token-chunk is invalid");
        ((ObjectNode) node.get("data")).put("seq", 1).remove("sessionId");
        assertMalformed(node.toString(), "lacks the field its key is made of");
    }

    @Test
    void rejectsDeeplyNestedJson() {
        String deep = "{\"a\":".repeat(EventSerde.MAX_NESTING_DEPTH + 10) + "1" + "}".repeat(EventSerde.MAX_NESTING_DEPTH + 10);
        assertMalformed(deep, "not valid JSON");
    }

    @Test
    void parseWithAnExpectedClassRejectsAnotherType() {
        byte[] bytes = serde.toBytes(envelopeOf(EventType.TURN_CANCELLED));
        MalformedEventException e = assertThrows(MalformedEventException.class, () -> serde.parse(bytes, TokenChunk.class));
        assertTrue(e.getMessage().contains("is not a TokenChunk"), e.getMessage());
    }

    private void assertMalformed(String json, String expectedReason) {
        MalformedEventException e = assertThrows(MalformedEventException.class, () -> serde.parse(json));
        assertTrue(e.getMessage().contains(expectedReason), () -> "expected '" + expectedReason + "' in: " + e.getMessage());
    }
}
