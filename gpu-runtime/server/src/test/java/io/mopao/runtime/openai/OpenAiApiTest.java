package io.mopao.runtime.openai;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.oneOf;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Conformance with the OpenAI API reference (Chat Completions, Completions, Models, streaming and errors): field names
 * and types, the {@code data: {...}} / {@code data: [DONE]} stream format, the error object; and the same text for a
 * seed whether streamed or not.
 */
@QuarkusTest
class OpenAiApiTest {
    static final String MODEL = "stories260K";
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void listsServedModelsAsModelObjects() {
        given().get("/v1/models").then().statusCode(200)
            .body("object", equalTo("list"))
            .body("data.id", hasItem(MODEL))
            .body("data[0].object", equalTo("model"))
            .body("data[0].created", instanceOf(Integer.class))
            .body("data[0].owned_by", instanceOf(String.class));
        given().get("/v1/models/" + MODEL).then().statusCode(200).body("id", equalTo(MODEL)).body("object", equalTo("model"));
    }

    @Test
    void chatCompletionHasTheReferenceFields() {
        JsonPath r = given().contentType(ContentType.JSON)
            .body("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Lily had a red ball.\"},"
                + "{\"role\":\"user\",\"content\":\"What did Lily do?\"}],\"max_tokens\":24,\"temperature\":0}")
            .post("/v1/chat/completions").then().statusCode(200).contentType(ContentType.JSON)
            .body("id", startsWith("chatcmpl-"))
            .body("object", equalTo("chat.completion"))
            .body("created", instanceOf(Integer.class))
            .body("model", equalTo(MODEL))
            .body("choices[0].index", equalTo(0))
            .body("choices[0].message.role", equalTo("assistant"))
            .body("choices[0].message.content", instanceOf(String.class))
            .body("choices[0].finish_reason", oneOf("stop", "length"))
            .body("choices[0].logprobs", nullValue())
            .body("usage.prompt_tokens", greaterThan(0))
            .body("usage.prompt_tokens_details.cached_tokens", instanceOf(Integer.class))
            .extract().jsonPath();
        assertEquals(r.getInt("usage.prompt_tokens") + r.getInt("usage.completion_tokens"), r.getInt("usage.total_tokens"));
        assertTrue(r.getInt("usage.completion_tokens") <= 24);
    }

    @Test
    void streamedChatHasTheReferenceFormatAndTheSameTextAsNonStreamedForASeed() throws Exception {
        String body = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about a cat.\"}],"
            + "\"max_tokens\":40,\"temperature\":0.9,\"seed\":1234%s}";
        String whole = given().contentType(ContentType.JSON).body(body.formatted("")).post("/v1/chat/completions").then()
            .statusCode(200).extract().jsonPath().getString("choices[0].message.content");
        String raw = given().contentType(ContentType.JSON)
            .body(body.formatted(",\"stream\":true,\"stream_options\":{\"include_usage\":true}"))
            .post("/v1/chat/completions").then().statusCode(200).contentType(containsString("text/event-stream"))
            .extract().asString();
        List<JsonNode> chunks = events(raw);
        StringBuilder text = new StringBuilder();
        JsonNode first = chunks.get(0);
        assertEquals("assistant", first.at("/choices/0/delta/role").asText(), "the first delta carries the role");
        String finish = null;
        JsonNode usage = null;
        for (JsonNode c : chunks) {
            assertTrue(c.get("id").asText().startsWith("chatcmpl-"));
            assertEquals(first.get("id").asText(), c.get("id").asText(), "one id for the whole stream");
            assertEquals("chat.completion.chunk", c.get("object").asText());
            assertEquals(MODEL, c.get("model").asText());
            assertTrue(c.get("created").isIntegralNumber());
            if (c.get("choices").isEmpty()) {
                usage = c.get("usage");
                continue;
            }
            JsonNode choice = c.get("choices").get(0);
            assertEquals(0, choice.get("index").asInt());
            assertTrue(choice.has("finish_reason"));
            text.append(choice.path("delta").path("content").asText(""));
            if (!choice.get("finish_reason").isNull()) {
                finish = choice.get("finish_reason").asText();
            }
        }
        assertEquals(whole, text.toString(), "same seed: streaming and non-streaming give the same text");
        assertTrue(List.of("stop", "length").contains(finish));
        assertNotNull(usage, "stream_options.include_usage adds a last chunk with usage and no choices");
        assertEquals(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt(), usage.get("total_tokens").asInt());
    }

    @Test
    void textCompletionStreamedAndNotGiveTheSameTextForASeed() throws Exception {
        String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"Once upon a time\",\"max_tokens\":32,\"temperature\":0.8,"
            + "\"top_p\":0.9,\"seed\":7%s}";
        JsonPath whole = given().contentType(ContentType.JSON).body(body.formatted("")).post("/v1/completions").then().statusCode(200)
            .body("id", startsWith("cmpl-"))
            .body("object", equalTo("text_completion"))
            .body("choices[0].index", equalTo(0))
            .body("choices[0].text", instanceOf(String.class))
            .body("choices[0].finish_reason", oneOf("stop", "length"))
            .body("usage.total_tokens", greaterThan(0))
            .extract().jsonPath();
        String raw = given().contentType(ContentType.JSON).body(body.formatted(",\"stream\":true")).post("/v1/completions").then()
            .statusCode(200).extract().asString();
        StringBuilder text = new StringBuilder();
        for (JsonNode c : events(raw)) {
            assertEquals("text_completion", c.get("object").asText());
            text.append(c.at("/choices/0/text").asText(""));
        }
        assertEquals(whole.getString("choices[0].text"), text.toString());
    }

    @Test
    void stopSequenceEndsTheTextBeforeIt() {
        String base = "{\"model\":\"" + MODEL + "\",\"prompt\":\"Once upon a time\",\"max_tokens\":64,\"temperature\":0%s}";
        String free = given().contentType(ContentType.JSON).body(base.formatted("")).post("/v1/completions").then().statusCode(200)
            .extract().jsonPath().getString("choices[0].text");
        int dot = free.indexOf('.');
        assertTrue(dot > 0, "the greedy story has a sentence end within 64 tokens: " + free);
        given().contentType(ContentType.JSON).body(base.formatted(",\"stop\":[\".\"]")).post("/v1/completions").then().statusCode(200)
            .body("choices[0].text", equalTo(free.substring(0, dot)))
            .body("choices[0].finish_reason", equalTo("stop"));
    }

    @Test
    void unknownModelIsA404InTheErrorShape() {
        given().contentType(ContentType.JSON).body("{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
            .post("/v1/chat/completions").then().statusCode(404).contentType(ContentType.JSON)
            .body("error.message", containsString("gpt-9"))
            .body("error.type", equalTo("invalid_request_error"))
            .body("error.param", equalTo("model"))
            .body("error.code", equalTo("model_not_found"));
    }

    @Test
    void invalidRequestsAre400sNamingTheParameter() {
        given().contentType(ContentType.JSON).body("{\"model\":\"" + MODEL + "\"}").post("/v1/chat/completions").then().statusCode(400)
            .body("error.param", equalTo("messages")).body("error.type", equalTo("invalid_request_error"))
            .body("error.message", containsString("messages"));
        given().contentType(ContentType.JSON).body("{\"model\":\"" + MODEL + "\",\"prompt\":\"a\",\"temperature\":3}")
            .post("/v1/completions").then().statusCode(400).body("error.param", equalTo("temperature"));
        given().contentType(ContentType.JSON).body("{\"model\":").post("/v1/completions").then().statusCode(400)
            .body("error.type", equalTo("invalid_request_error")).body("error.code", nullValue());
        given().contentType(ContentType.JSON).body("{\"model\":\"" + MODEL + "\",\"prompt\":\"a\",\"max_tokens\":100000}")
            .post("/v1/completions").then().statusCode(400).body("error.code", equalTo("context_length_exceeded"));
        // the prompt's tokens plus Integer.MAX_VALUE wrapped round to a negative sum that fitted the context
        given().contentType(ContentType.JSON).body("{\"model\":\"" + MODEL + "\",\"prompt\":\"a\",\"max_tokens\":2147483647}")
            .post("/v1/completions").then().statusCode(400).body("error.code", equalTo("context_length_exceeded"));
        given().contentType(ContentType.JSON).body("{\"model\":\"" + MODEL + "\",\"prompt\":\"a\",\"n\":2}")
            .post("/v1/completions").then().statusCode(400).body("error.param", equalTo("n"));
    }

    @Test
    void unknownUrlIsA404InTheErrorShape() {
        given().get("/v1/nothing-here").then().statusCode(404).body("error.type", equalTo("invalid_request_error"))
            .body("error.message", is(instanceOf(String.class)));
    }

    @Test
    void metricsAndHealthDescribeTheEngine() {
        given().contentType(ContentType.JSON).body("{\"model\":\"" + MODEL + "\",\"prompt\":\"Once\",\"max_tokens\":4}")
            .post("/v1/completions").then().statusCode(200);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : List.of("mopao_runtime_queue_depth", "mopao_runtime_batch_size", "mopao_runtime_kv_usage_ratio",
            "mopao_runtime_prefix_cache_hit_ratio", "mopao_runtime_backend_info", "mopao_runtime_time_to_first_token_seconds",
            "mopao_runtime_inter_token_latency_seconds", "mopao_runtime_tokens_generated_total", "mopao_runtime_tokens_per_second")) {
            assertTrue(metrics.contains(name), name + " is exported");
        }
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
            .body("checks.find { it.name == 'models' }.data." + MODEL, containsString("backend cpu"));
    }

    /** Parses a server-sent event stream: every event is one {@code data: } line; the last one is {@code data: [DONE]}. */
    static List<JsonNode> events(String raw) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        String[] blocks = raw.split("\n\n");
        assertEquals("data: [DONE]", blocks[blocks.length - 1].strip(), "the stream ends with data: [DONE]");
        for (int i = 0; i < blocks.length - 1; i++) {
            String block = blocks[i];
            assertTrue(block.startsWith("data: "), "each event is a data: line, got: " + block);
            assertFalse(block.substring(6).contains("\n"), "one line per event");
            out.add(JSON.readTree(block.substring(6)));
        }
        assertFalse(out.isEmpty());
        return out;
    }
}
