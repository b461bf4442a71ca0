package io.mopao.runtime.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mopao.engine.chat.ChatMessage;
import io.mopao.engine.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A parsed and validated chat or text completion request. Fields follow the OpenAI API reference: {@code model},
 * {@code messages} (chat) or {@code prompt} (completions), {@code stream}, {@code stream_options.include_usage},
 * {@code max_tokens} / {@code max_completion_tokens}, {@code temperature}, {@code top_p}, {@code n} (1 only),
 * {@code stop}, {@code seed}, {@code frequency_penalty}, {@code presence_penalty}, {@code logit_bias}; plus the common
 * extensions {@code top_k}, {@code min_p}, {@code repetition_penalty}. Unknown fields are ignored.
 *
 * @param model        model name
 * @param messages     chat messages (chat), else null
 * @param prompt       prompt text (completions), else null
 * @param stream       whether to stream
 * @param includeUsage whether a streamed response ends with a usage chunk
 * @param maxTokens    the limit, or null for "the rest of the context"
 * @param params       sampling parameters (maxTokens set later)
 */
public record OpenAiRequest(String model, List<ChatMessage> messages, String prompt, boolean stream, boolean includeUsage,
                            Integer maxTokens, SamplingParams params) {

    /**
     * @param mapper JSON mapper
     * @param body   the request body
     * @param chat   chat (messages) or text completion (prompt)
     * @return the request
     * @throws OpenAiException when something is missing or out of range
     */
    public static OpenAiRequest parse(ObjectMapper mapper, String body, boolean chat) {
        JsonNode root;
        try {
            root = mapper.readTree(body == null ? "" : body);
        } catch (java.io.IOException e) {
            throw OpenAiException.invalid(null, "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
                + "using your HTTP library correctly. The OpenAI API expects a JSON payload.)");
        }
        if (root == null || !root.isObject()) {
            throw OpenAiException.invalid(null, "The request body must be a JSON object.");
        }
        String model = requiredString(root, "model");
        List<ChatMessage> messages = chat ? messages(root) : null;
        String prompt = chat ? null : prompt(root);
        boolean stream = bool(root, "stream", false);
        boolean includeUsage = root.path("stream_options").isObject() && bool(root.path("stream_options"), "include_usage", false);
        Integer maxTokens = integer(root, chat && root.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens",
            1, Integer.MAX_VALUE);
        if (!chat && maxTokens == null) {
            maxTokens = 16; // the completions endpoint's documented default
        }
        Integer n = integer(root, "n", 1, 128);
        if (n != null && n != 1) {
            throw OpenAiException.invalid("n", "Only n=1 is supported.");
        }
        float temperature = number(root, "temperature", 0, 2, 1);
        float topP = number(root, "top_p", 0, 1, 1);
        if (topP == 0) {
            topP = Float.MIN_NORMAL;
        }
        float frequency = number(root, "frequency_penalty", -2, 2, 0);
        float presence = number(root, "presence_penalty", -2, 2, 0);
        float minP = number(root, "min_p", 0, 1, 0);
        float repetition = number(root, "repetition_penalty", 0.01, 10, 1);
        Integer topK = integer(root, "top_k", 0, Integer.MAX_VALUE);
        long seed = root.hasNonNull("seed") ? longValue(root, "seed") : ThreadLocalRandom.current().nextLong();
        SamplingParams params = new SamplingParams(temperature, topK == null ? 0 : topK, topP, minP, repetition, frequency, presence,
            frequency != 0 || presence != 0 || repetition != 1 ? -1 : SamplingParams.DEFAULT_PENALTY_LAST_N, logitBias(root), seed,
            maxTokens == null ? 1 : maxTokens, stops(root), Set.of(), false);
        return new OpenAiRequest(model, messages, prompt, stream, includeUsage, maxTokens, params);
    }

    private static List<ChatMessage> messages(JsonNode root) {
        JsonNode arr = root.get("messages");
        if (arr == null || arr.isNull()) {
            throw OpenAiException.invalid("messages", "Missing required parameter: 'messages'.");
        }
        if (!arr.isArray() || arr.isEmpty()) {
            throw OpenAiException.invalid("messages", "Invalid 'messages': expected a non-empty array of messages.");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            JsonNode m = arr.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) {
                throw OpenAiException.invalid(where, "Invalid '" + where + "': expected an object.");
            }
            String role = m.path("role").asText(null);
            if (role == null || !m.path("role").isTextual()) {
                throw OpenAiException.invalid(where + ".role", "Missing required parameter: '" + where + ".role'.");
            }
            role = switch (role) {
                case "system", "developer" -> ChatMessage.SYSTEM;
                case "user" -> ChatMessage.USER;
                case "assistant" -> ChatMessage.ASSISTANT;
                default -> throw OpenAiException.invalid(where + ".role", "Invalid value: '" + role + "'. Supported values are: "
                    + "'system', 'developer', 'user' and 'assistant'.");
            };
            String content = content(m.get("content"), where);
            String name = m.hasNonNull("name") ? m.get("name").asText() : null;
            try {
                out.add(new ChatMessage(role, name, content));
            } catch (IllegalArgumentException e) {
                throw OpenAiException.invalid(where, "Invalid '" + where + "': " + e.getMessage());
            }
        }
        return out;
    }

    private static String content(JsonNode c, String where) {
        if (c == null || c.isNull()) {
            return "";
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw OpenAiException.invalid(where + ".content", "Invalid '" + where + ".content': only text parts are supported.");
                }
                sb.append(part.get("text").asText());
            }
            return sb.toString();
        }
        throw OpenAiException.invalid(where + ".content", "Invalid '" + where + ".content': expected a string or an array of text "
            + "parts.");
    }

    private static String prompt(JsonNode root) {
        JsonNode p = root.get("prompt");
        if (p == null || p.isNull()) {
            throw OpenAiException.invalid("prompt", "Missing required parameter: 'prompt'.");
        }
        if (p.isTextual()) {
            return p.asText();
        }
        if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) {
            return p.get(0).asText();
        }
        throw OpenAiException.invalid("prompt", "Invalid 'prompt': expected a string (or an array of one string).");
    }

    private static List<String> stops(JsonNode root) {
        JsonNode s = root.get("stop");
        if (s == null || s.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (s.isTextual()) {
            out.add(s.asText());
        } else if (s.isArray()) {
            for (JsonNode x : s) {
                if (!x.isTextual()) {
                    throw OpenAiException.invalid("stop", "Invalid 'stop': expected a string or an array of strings.");
                }
                out.add(x.asText());
            }
        } else {
            throw OpenAiException.invalid("stop", "Invalid 'stop': expected a string or an array of strings.");
        }
        if (out.size() > 4) {
            throw OpenAiException.invalid("stop", "Invalid 'stop': at most 4 stop sequences are allowed.");
        }
        if (out.stream().anyMatch(String::isEmpty)) {
            throw OpenAiException.invalid("stop", "Invalid 'stop': stop sequences must not be empty.");
        }
        return out;
    }

    private static Map<Integer, Float> logitBias(JsonNode root) {
        JsonNode b = root.get("logit_bias");
        if (b == null || b.isNull()) {
            return Map.of();
        }
        if (!b.isObject()) {
            throw OpenAiException.invalid("logit_bias", "Invalid 'logit_bias': expected an object of token id to bias.");
        }
        Map<Integer, Float> out = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = b.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw OpenAiException.invalid("logit_bias", "Invalid 'logit_bias': key '" + e.getKey() + "' is not a token id.");
            }
            if (id < 0 || !e.getValue().isNumber() || Math.abs(e.getValue().asDouble()) > 100) {
                throw OpenAiException.invalid("logit_bias", "Invalid 'logit_bias' for token " + e.getKey()
                    + ": expected a number between -100 and 100.");
            }
            out.put(id, e.getValue().asDouble() <= -100 ? Float.NEGATIVE_INFINITY : (float) e.getValue().asDouble());
        }
        return out;
    }

    private static String requiredString(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            throw OpenAiException.invalid(field, "Missing required parameter: '" + field + "'.");
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw OpenAiException.invalid(field, "Invalid type for '" + field + "': expected a non-empty string.");
        }
        return v.asText();
    }

    private static boolean bool(JsonNode root, String field, boolean fallback) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw OpenAiException.invalid(field, "Invalid type for '" + field + "': expected a boolean.");
        }
        return v.asBoolean();
    }

    private static Integer integer(JsonNode root, String field, int min, int max) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw OpenAiException.invalid(field, "Invalid type for '" + field + "': expected an integer.");
        }
        int i = v.asInt();
        if (i < min || i > max) {
            throw OpenAiException.invalid(field, "Invalid '" + field + "': " + i + " is out of range [" + min + ", " + max + "].");
        }
        return i;
    }

    private static long longValue(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw OpenAiException.invalid(field, "Invalid type for '" + field + "': expected an integer.");
        }
        return v.asLong();
    }

    private static float number(JsonNode root, String field, double min, double max, float fallback) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw OpenAiException.invalid(field, "Invalid type for '" + field + "': expected a number.");
        }
        double d = v.asDouble();
        if (d < min || d > max) {
            throw OpenAiException.invalid(field, "Invalid '" + field + "': " + d + " is out of range [" + min + ", " + max + "].");
        }
        return (float) d;
    }
}
