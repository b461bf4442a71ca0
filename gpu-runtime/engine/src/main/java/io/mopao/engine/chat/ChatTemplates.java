package io.mopao.engine.chat;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chooses the chat template for a model. GGUF files ship the Jinja source in {@code tokenizer.chat_template};
 * the engine does not run Jinja but recognises the common formats by their signature strings and renders them
 * natively. A model without a template (a base model) gets the plain {@link RolePlayTemplate}; a template that is
 * present but not recognised is an error unless the caller explicitly accepts the role-play format instead.
 */
public final class ChatTemplates {
    /** The GGUF metadata key of the Jinja source. */
    public static final String METADATA_KEY = "tokenizer.chat_template";
    /** The formats {@link #byName} knows. */
    public static final List<String> NAMES = List.of("llama3", "chatml", "mistral", "mistral-v1", "mistral-v3",
            "mistral-v3-tekken", "mistral-v7", "mistral-v7-tekken", "zephyr", "gemma", "roleplay");

    private static final Pattern CHATML_DEFAULT_SYSTEM =
            Pattern.compile("<\\|im_start\\|>system\\\\n(You are [^<'\"]*)<\\|im_end\\|>");
    private static final Pattern LLAMA3_DATE = Pattern.compile("date_string\\s*=\\s*[\"']([^\"']+)[\"']");
    private static final String LLAMA3_DEFAULT_DATE = "26 Jul 2024";

    private ChatTemplates() {
    }

    /**
     * The template a model declares; role-play when it declares none.
     *
     * @param metadata GGUF metadata
     * @return the template
     * @throws UnsupportedChatTemplateException when the model's template is not recognised
     */
    public static ChatTemplate forMetadata(Map<String, Object> metadata) {
        return forMetadata(metadata, false);
    }

    /**
     * The template a model declares; role-play when it declares none, or — only when asked — when it is not recognised.
     *
     * @param metadata GGUF metadata
     * @param rolePlayFallback use the role-play template for an unrecognised template instead of failing
     * @return the template
     * @throws UnsupportedChatTemplateException when the template is not recognised and no fallback was asked for
     */
    public static ChatTemplate forMetadata(Map<String, Object> metadata, boolean rolePlayFallback) {
        Object source = metadata.get(METADATA_KEY);
        if (source == null) {
            return rolePlay();
        }
        if (!(source instanceof String jinja)) {
            throw new IllegalArgumentException(METADATA_KEY + " should be a string but is a " + source.getClass().getSimpleName());
        }
        if (jinja.isBlank()) {
            return rolePlay();
        }
        ChatTemplate recognised = recognise(jinja, tokenText(metadata, "tokenizer.ggml.eos_token_id", "</s>"));
        if (recognised != null) {
            return recognised;
        }
        if (rolePlayFallback) {
            return rolePlay();
        }
        Object model = metadata.getOrDefault("general.name", "unnamed model");
        throw new UnsupportedChatTemplateException("the chat template of '" + model + "' is not recognised (" + METADATA_KEY
                + " starts with \"" + excerpt(jinja) + "\"); supported formats: llama3, chatml, mistral [INST] variants, zephyr, gemma. "
                + "Choose one by name, or ask for the role-play text template explicitly.");
    }

    /**
     * Recognises a Jinja chat template by its signature.
     *
     * @param jinja the template source
     * @param eos the text of the model's EOS token (used by formats that write it, e.g. {@code </s>})
     * @return the template, or null when not recognised
     */
    public static ChatTemplate recognise(String jinja, String eos) {
        if (jinja.contains("<|start_header_id|>") && jinja.contains("<|eot_id|>")) {
            String date = null;
            if (jinja.contains("Cutting Knowledge Date")) {
                Matcher m = LLAMA3_DATE.matcher(jinja);
                date = m.find() ? m.group(1) : LLAMA3_DEFAULT_DATE;
            }
            return new Llama3Template(date);
        }
        if (jinja.contains("<|im_start|>") && jinja.contains("<|im_end|>")) {
            Matcher m = CHATML_DEFAULT_SYSTEM.matcher(jinja);
            return new ChatMlTemplate(m.find() ? m.group(1) : null);
        }
        if (jinja.contains("<start_of_turn>") && jinja.contains("<end_of_turn>")) {
            return new GemmaTemplate();
        }
        if (jinja.contains("[INST]") && jinja.contains("[/INST]") && !jinja.contains("<<SYS>>")) {
            return new MistralTemplate(MistralTemplate.detect(jinja), eos);
        }
        if (jinja.contains("<|user|>") && jinja.contains("<|assistant|>") && !jinja.contains("<|end|>")) {
            return new ZephyrTemplate(eos);
        }
        return null;
    }

    /**
     * A format chosen by name, for models whose template is missing or not recognised.
     *
     * @param name one of {@link #NAMES}
     * @param eos the text of the model's EOS token
     * @return the template
     */
    public static ChatTemplate byName(String name, String eos) {
        return switch (name) {
            case "llama3" -> new Llama3Template(null);
            case "chatml" -> new ChatMlTemplate(null);
            case "mistral" -> new MistralTemplate(MistralTemplate.Variant.LEGACY, eos);
            case "mistral-v1" -> new MistralTemplate(MistralTemplate.Variant.V1, eos);
            case "mistral-v3" -> new MistralTemplate(MistralTemplate.Variant.V3, eos);
            case "mistral-v3-tekken" -> new MistralTemplate(MistralTemplate.Variant.V3_TEKKEN, eos);
            case "mistral-v7" -> new MistralTemplate(MistralTemplate.Variant.V7, eos);
            case "mistral-v7-tekken" -> new MistralTemplate(MistralTemplate.Variant.V7_TEKKEN, eos);
            case "zephyr" -> new ZephyrTemplate(eos);
            case "gemma" -> new GemmaTemplate();
            case "roleplay" -> rolePlay();
            default -> throw new UnsupportedChatTemplateException("unknown chat template name '" + name + "'; known: " + NAMES);
        };
    }

    /** @return the role-play template with speakers "User" and "Assistant" */
    public static RolePlayTemplate rolePlay() {
        return new RolePlayTemplate("User", "Assistant");
    }

    private static String tokenText(Map<String, Object> metadata, String idKey, String fallback) {
        if (metadata.get(idKey) instanceof Number id && metadata.get("tokenizer.ggml.tokens") instanceof List<?> tokens) {
            long i = id.longValue();
            if (i >= 0 && i < tokens.size() && tokens.get((int) i) instanceof String text) {
                return text;
            }
        }
        return fallback;
    }

    private static String excerpt(String jinja) {
        String flat = jinja.strip().replace("\n", "\\n");
        return flat.length() <= 80 ? flat : flat.substring(0, 80) + "...";
    }
}
