package io.mopao.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The JSON Schema files in {@code src/main/resources/schemas} are generated from the event records. This test fails when
 * a record changed and its schema file did not; regenerate with
 * {@code ./mvnw -pl events test -Dtest=SchemaFilesTest -Dmopao.events.writeSchemas=true} and review the diff (a removed
 * or retyped field is not backward compatible: add a new type version instead).
 */
class SchemaFilesTest {

    static final SchemaGenerator GENERATOR = generator();

    private static SchemaGenerator generator() {
        SchemaGeneratorConfigBuilder config = new SchemaGeneratorConfigBuilder(EventSerde.get().mapper(), SchemaVersion.DRAFT_2020_12,
            OptionPreset.PLAIN_JSON)
            .with(Option.DEFINITIONS_FOR_ALL_OBJECTS)
            .without(Option.SCHEMA_VERSION_INDICATOR);
        config.forTypesInGeneral().withCustomDefinitionProvider((type, context) -> JsonNode.class.isAssignableFrom(type.getErasedType())
            ? new com.github.victools.jsonschema.generator.CustomDefinition(context.getGeneratorConfig().createObjectNode()
                .put("description", "any JSON value, kept as it is"))
            : null);
        config.forFields().withRequiredCheck(field -> field.getType() != null && field.getType().isPrimitive());
        return new SchemaGenerator(config.build());
    }

    /** The envelope schema of one event type, with the generated data schema inside. */
    static ObjectNode render(EventType type) {
        ObjectNode data = GENERATOR.generateSchema(type.recordClass());
        ObjectNode schema = EventSerde.get().mapper().createObjectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$id", "https://mopao.io/schemas/" + type.ceType() + ".v" + type.schemaVersion() + ".json");
        schema.put("title", type.recordClass().getSimpleName() + " event (CloudEvents 1.0 envelope)");
        schema.put("type", "object");
        schema.putArray("required").add("specversion").add("id").add("source").add("type").add("time").add("data");
        ObjectNode props = schema.putObject("properties");
        props.putObject("specversion").put("const", EventEnvelope.SPEC_VERSION);
        props.putObject("id").put("type", "string").put("minLength", 1);
        props.putObject("source").put("type", "string").put("minLength", 1);
        props.putObject("type").put("const", type.ceType());
        props.putObject("subject").put("type", "string");
        props.putObject("time").put("type", "string").put("format", "date-time");
        props.putObject("schemaversion").put("type", "integer").put("minimum", 1).put("maximum", type.schemaVersion());
        props.putObject("datacontenttype").put("const", EventEnvelope.CONTENT_TYPE);
        props.putObject("traceparent").put("type", "string").put("pattern", "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$");
        JsonNode defs = data.remove("$defs");
        props.set("data", data);
        if (defs != null) {
            schema.set("$defs", defs);
        }
        return schema;
    }

    static String renderText(EventType type) throws IOException {
        return EventSerde.get().mapper().writerWithDefaultPrettyPrinter().writeValueAsString(render(type)) + "\n";
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void committedSchemaMatchesTheRecord(EventType type) throws IOException {
        String expected = renderText(type);
        if (Boolean.getBoolean("mopao.events.writeSchemas")) {
            Path file = Path.of("src/main/resources").resolve(type.schemaResource().substring(1));
            Files.createDirectories(file.getParent());
            Files.writeString(file, expected, StandardCharsets.UTF_8);
        }
        try (InputStream in = EventType.class.getResourceAsStream(type.schemaResource())) {
            assertTrue(in != null || Boolean.getBoolean("mopao.events.writeSchemas"),
                "missing schema file " + type.schemaResource() + "; regenerate it (see this class's Javadoc)");
            if (in != null) {
                assertEquals(expected, new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    type.schemaResource() + " is out of date; regenerate it (see this class's Javadoc)");
            }
        }
    }
}
