package io.mopao.character.rest;

import static io.mopao.character.Api.as;
import static io.mopao.character.Api.character;
import static io.mopao.character.Api.mineTotal;
import static io.mopao.character.Api.unique;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mopao.character.PrivateKafka;
import io.mopao.character.card.TestCards;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The NUL character (U+0000) is refused with a 400 wherever a request carries text (service-kit's {@code NulGuard}, and
 * the card reader for card files): PostgreSQL cannot store it, so before this a request holding it failed as a 500.
 */
@QuarkusTest
@QuarkusTestResource(PrivateKafka.class)
class NulCharacterTest {

    @Test
    void aJsonBodyWithAnEscapedNulIsRefusedAndNothingIsWritten() {
        long before = mineTotal("bob");
        // the body's text holds a backslash and u0000: JSON's escape for NUL
        String body = character(unique("Nul"), "public").put("description", "before").toString()
            .replace("before", "before\\u0000after");
        as("bob").contentType("application/json").body(body).post("/characters").then().statusCode(400)
            .body("code", equalTo("nul_character"))
            .body("message", equalTo("the request body contains the NUL character (U+0000, \\u0000 in JSON); remove it and send again"));
        assertEquals(before, mineTotal("bob"), "nothing was written");
    }

    @Test
    void aBodyWithoutAContentTypeIsCheckedToo() {
        String body = character(unique("Nul"), "public").put("description", "before").toString()
            .replace("before", "before\\u0000after");
        long before = mineTotal("bob");
        as("bob").noContentType().body(body.getBytes(StandardCharsets.UTF_8)).post("/characters").then().statusCode(400)
            .body("code", equalTo("nul_character"));
        assertEquals(before, mineTotal("bob"), "nothing was written");
    }

    @Test
    void anEscapedBackslashBeforeU0000IsOrdinaryText() {
        // two backslashes and u0000 in JSON are a backslash followed by the letters u0000: text a person may well write
        String body = character(unique("Backslash"), "public").put("description", "x").toString().replace("\"x\"",
            "\"a \\\\u0000 b\"");
        as("bob").contentType("application/json").body(body).post("/characters").then().statusCode(201)
            .body("content.description", equalTo("a \\u0000 b"));
    }

    @Test
    void aNulInAQueryParameterIsRefusedNamingIt() {
        as("bob").urlEncodingEnabled(false).get("/characters?q=lin%00wu").then().statusCode(400)
            .body("code", equalTo("nul_character")).body("message", containsString("the query parameter 'q'"));
    }

    @Test
    void aCardFileWithANulIsRefusedAsAnInvalidCard() {
        ObjectNode card = TestCards.v2(unique("Nul card"));
        ((ObjectNode) card.get("data")).put("description", "before\u0000after");
        byte[] png = TestCards.png(Map.of("chara", card));
        as("bob").contentType("image/png").body(png).post("/characters/import").then().statusCode(400)
            .body("message", containsString("contains the NUL character"));
        // a JSON card file is a request body: the kit refuses it before the card reader sees it
        as("bob").contentType("application/json").body(card.toString().getBytes(StandardCharsets.UTF_8)).post("/characters/import")
            .then().statusCode(400).body("code", equalTo("nul_character"));
    }
}
