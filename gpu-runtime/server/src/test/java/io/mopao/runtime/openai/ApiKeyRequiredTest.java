package io.mopao.runtime.openai;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With {@code mopao.runtime.http.api-key} set, every {@code /v1} call needs {@code Authorization: Bearer <key>}. */
@QuarkusTest
@TestProfile(ApiKeyRequiredTest.WithKey.class)
class ApiKeyRequiredTest {
    static final String KEY = "sk-mopao-test-4f1c";

    /** The key set by configuration (in a deployment: the MOPAO_RUNTIME_HTTP_API_KEY environment variable). */
    public static class WithKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mopao.runtime.http.api-key", KEY);
        }
    }

    @Test
    void noKeyIs401InOpenAisErrorShapeSayingHowToSendIt() {
        given().get("/v1/models").then().statusCode(401).contentType(ContentType.JSON)
            .body("error.type", equalTo("invalid_request_error"))
            .body("error.code", equalTo("invalid_api_key"))
            .body("error.param", nullValue())
            .body("error.message", containsString("Authorization: Bearer"));
        given().contentType(ContentType.JSON).body("{\"model\":\"stories260K\",\"prompt\":\"Once\",\"max_tokens\":2}")
            .post("/v1/completions").then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
    }

    @Test
    void wrongKeyIs401() {
        given().header("Authorization", "Bearer sk-wrong").get("/v1/models").then().statusCode(401).contentType(ContentType.JSON)
            .body("error.type", equalTo("invalid_request_error"))
            .body("error.code", equalTo("invalid_api_key"))
            .body("error.message", equalTo("Incorrect API key provided."));
        given().header("Authorization", "Bearer " + KEY + "x").get("/v1/models").then().statusCode(401);
        given().header("Authorization", KEY).get("/v1/models").then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
        given().header("Authorization", "Basic " + KEY).get("/v1/models").then().statusCode(401);
    }

    @Test
    void rightKeyIsServed() {
        given().header("Authorization", "Bearer " + KEY).get("/v1/models").then().statusCode(200).body("data.id", hasItem("stories260K"));
        given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON)
            .body("{\"model\":\"stories260K\",\"prompt\":\"Once upon a time\",\"max_tokens\":4,\"temperature\":0}")
            .post("/v1/completions").then().statusCode(200).body("object", equalTo("text_completion"))
            .body("usage.completion_tokens", equalTo(4));
    }

    @Test
    void healthAndMetricsStayOpenForProbesAndScrapers() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }
}
