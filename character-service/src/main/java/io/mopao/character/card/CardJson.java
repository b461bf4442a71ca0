package io.mopao.character.card;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.mopao.service.error.JsonProblems;
import io.mopao.service.input.NulCharacters;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;

/**
 * Strict JSON for cards: valid UTF-8 only, bounded nesting depth, no duplicate keys, nothing after the document.
 * Failures become a 400 naming the problem.
 */
public final class CardJson {

    private final ObjectMapper mapper;
    private final int maxDepth;

    public CardJson(int maxDepth) {
        this.maxDepth = maxDepth;
        this.mapper = strictMapper(maxDepth);
    }

    /** An object mapper with the same limits (also used for request bodies). */
    public static ObjectMapper strictMapper(int maxDepth) {
        JsonFactory factory = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
        return JsonMapper.builder(factory)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** Parses card JSON bytes; {@code what} names the source in messages (e.g. "card JSON", "ccv3 chunk"). */
    public JsonNode parse(byte[] bytes, String what) {
        String text = decodeUtf8(bytes, what);
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        try (JsonParser parser = mapper.createParser(text)) {
            JsonNode node = mapper.readTree(parser);
            if (node == null || node.isMissingNode()) {
                throw CardErrors.invalidCard(what + " is empty");
            }
            if (NulCharacters.in(node)) {
                throw CardErrors.invalidCard(what + " contains the NUL character (\\u0000), which no text may hold; remove it");
            }
            return node;
        } catch (StreamConstraintsException e) {
            throw CardErrors.invalidCard(what + " nests deeper than " + maxDepth + " levels");
        } catch (JsonProcessingException e) {
            throw CardErrors.invalidCard(what + " is not valid JSON: " + JsonProblems.describe(e));
        } catch (IOException e) {
            throw CardErrors.invalidCard(what + " could not be read: " + e.getMessage());
        }
    }

    /** Decodes strict UTF-8; invalid sequences are a 400 naming the byte offset. */
    public static String decodeUtf8(byte[] bytes, String what) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return decoder.decode(in).toString();
        } catch (MalformedInputException e) {
            throw CardErrors.invalidCard(what + " is not valid UTF-8 (bad byte sequence at offset " + in.position() + ")");
        } catch (CharacterCodingException e) {
            throw CardErrors.invalidCard(what + " is not valid UTF-8");
        }
    }
}
