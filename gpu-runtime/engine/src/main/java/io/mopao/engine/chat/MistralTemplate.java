package io.mopao.engine.chat;

import java.util.List;

/**
 * Mistral instruct formats. They differ only in spaces around the markers and in where the system text goes:
 * <ul>
 *   <li>{@code mistral} (HF v0.1/v0.2 template): {@code [INST] user [/INST]assistant</s>}</li>
 *   <li>{@code mistral-v1}: {@code  [INST] user [/INST] assistant</s>}</li>
 *   <li>{@code mistral-v3}: {@code [INST] user[/INST] assistant</s>} (assistant text trimmed)</li>
 *   <li>{@code mistral-v3-tekken}: {@code [INST]user[/INST]assistant</s>}</li>
 *   <li>{@code mistral-v7}: {@code [SYSTEM_PROMPT] system[/SYSTEM_PROMPT][INST] user[/INST] assistant</s>}, and
 *       {@code mistral-v7-tekken} without those spaces</li>
 * </ul>
 * Before v7 there is no system role: system text opens the next {@code [INST]} block, followed by a blank line.
 * The assistant turn follows {@code [/INST]} directly, so there is no separate generation prompt.
 */
final class MistralTemplate implements ChatTemplate {

    /** The format variants. */
    enum Variant {
        LEGACY("mistral", "", " ", " ", "", false, false),
        V1("mistral-v1", " ", " ", " ", " ", false, false),
        V3("mistral-v3", "", " ", "", " ", true, false),
        V3_TEKKEN("mistral-v3-tekken", "", "", "", "", false, false),
        V7("mistral-v7", "", " ", "", " ", false, true),
        V7_TEKKEN("mistral-v7-tekken", "", "", "", "", false, true);

        final String id;
        final String beforeInst;
        final String afterInst;
        final String beforeEndInst;
        final String beforeAssistant;
        final boolean trimAssistant;
        final boolean systemBlock;

        Variant(String id, String beforeInst, String afterInst, String beforeEndInst, String beforeAssistant,
                boolean trimAssistant, boolean systemBlock) {
            this.id = id;
            this.beforeInst = beforeInst;
            this.afterInst = afterInst;
            this.beforeEndInst = beforeEndInst;
            this.beforeAssistant = beforeAssistant;
            this.trimAssistant = trimAssistant;
            this.systemBlock = systemBlock;
        }
    }

    private final Variant variant;
    private final String eos;

    MistralTemplate(Variant variant, String eos) {
        this.variant = variant;
        this.eos = eos;
    }

    /**
     * Tells the variants apart by how the Jinja source writes the markers.
     *
     * @param jinja template source that contains {@code [INST]}
     * @return the variant
     */
    static Variant detect(String jinja) {
        boolean compact = jinja.contains("'[INST]'") || jinja.contains("\"[INST]\"");
        if (jinja.contains("[SYSTEM_PROMPT]")) {
            return compact ? Variant.V7_TEKKEN : Variant.V7;
        }
        if (jinja.contains(" [INST]")) {
            return Variant.V1;
        }
        if (compact) {
            return Variant.V3_TEKKEN;
        }
        if (jinja.contains(" [/INST]")) {
            return Variant.LEGACY;
        }
        return Variant.V3;
    }

    @Override
    public String name() {
        return variant.id;
    }

    @Override
    public RenderedPrompt render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        Variant v = variant;
        StringBuilder system = new StringBuilder();
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            switch (m.role()) {
                case ChatMessage.SYSTEM -> {
                    if (v.systemBlock) {
                        sb.append("[SYSTEM_PROMPT]").append(v.afterInst).append(m.content()).append("[/SYSTEM_PROMPT]");
                    } else {
                        system.append(m.content()).append("\n\n");
                    }
                }
                case ChatMessage.USER -> {
                    sb.append(v.beforeInst).append("[INST]").append(v.afterInst).append(system).append(m.namedContent())
                            .append(v.beforeEndInst).append("[/INST]");
                    system.setLength(0);
                }
                default -> {
                    String content = m.namedContent();
                    sb.append(v.beforeAssistant).append(v.trimAssistant ? content.strip() : content).append(eos);
                }
            }
        }
        if (!system.isEmpty()) {
            // system text with no user message after it still reaches the model
            sb.append(v.beforeInst).append("[INST]").append(v.afterInst).append(system.toString().strip())
                    .append(v.beforeEndInst).append("[/INST]");
        }
        return new RenderedPrompt(sb.toString(), List.of(eos, "[INST]"));
    }
}
