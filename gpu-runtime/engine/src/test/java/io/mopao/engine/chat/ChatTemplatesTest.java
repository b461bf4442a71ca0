package io.mopao.engine.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mopao.engine.tokenizer.TestGguf;
import io.mopao.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Golden renders of each recognised chat format, recognition by signature, and the role-play template. */
class ChatTemplatesTest {
    private static final String LLAMA3 = "{% set loop_messages = messages %}{% for message in loop_messages %}"
            + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim"
            + " + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}"
            + "{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";
    private static final String LLAMA31 = "{{- bos_token }}{%- if not date_string is defined %}{%- set date_string = \"26 Jul 2024\" %}"
            + "{%- endif %}{{- \"<|start_header_id|>system<|end_header_id|>\\n\\n\" }}{{- \"Cutting Knowledge Date: December 2023\\n\" }}"
            + "{{- \"Today Date: \" + date_string + \"\\n\\n\" }}{{- system_message }}{{- \"<|eot_id|>\" }}";
    private static final String QWEN25 = "{%- if messages[0]['role'] == 'system' %}{{- '<|im_start|>system\\n' + messages[0]['content']"
            + " + '<|im_end|>\\n' }}{%- else %}{{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful"
            + " assistant.<|im_end|>\\n' }}{%- endif %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";
    private static final String CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content']"
            + " + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    private static final String MISTRAL = "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}"
            + "{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
            + "{{ message['content'] + eos_token}}{% endif %}{% endfor %}";
    private static final String ZEPHYR = "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\\n'"
            + " + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\\n' + message['content']"
            + " + eos_token }}\n{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\\n'  + message['content'] + eos_token }}"
            + "\n{% endif %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}";
    private static final String GEMMA = "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'assistant') %}"
            + "{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\\n'"
            + " + message['content'] | trim + '<end_of_turn>\\n' }}{% endfor %}{% if add_generation_prompt %}"
            + "{{'<start_of_turn>model\\n'}}{% endif %}";

    private static final List<ChatMessage> CONVERSATION = List.of(
            ChatMessage.system("You are Aria, a ranger."),
            ChatMessage.user("Bob", "Hi!"),
            ChatMessage.assistant("Hello, traveller."),
            ChatMessage.user("Where to?"));

    private static ChatTemplate template(String jinja) {
        Map<String, Object> md = new HashMap<>();
        md.put(ChatTemplates.METADATA_KEY, jinja);
        md.put("tokenizer.ggml.tokens", List.of("<unk>", "<s>", "</s>"));
        md.put("tokenizer.ggml.eos_token_id", 2L);
        return ChatTemplates.forMetadata(md);
    }

    @Test
    void rendersLlama3HeadersWithTrimmedContentAndNames() {
        ChatTemplate t = template(LLAMA3);
        assertEquals("llama3", t.name());
        RenderedPrompt p = t.render(CONVERSATION, true);
        assertEquals("<|start_header_id|>system<|end_header_id|>\n\nYou are Aria, a ranger.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nBob: Hi!<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHello, traveller.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nWhere to?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", p.text());
        assertTrue(p.stopStrings().contains("<|eot_id|>"));
    }

    @Test
    void rendersLlama31KnowledgeAndDateHeader() {
        RenderedPrompt p = template(LLAMA31).render(List.of(ChatMessage.system("Be kind."), ChatMessage.user("Hi")), true);
        assertEquals("<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n"
                + "Today Date: 26 Jul 2024\n\nBe kind.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", p.text());
    }

    @Test
    void rendersChatMlWithoutDefaultSystem() {
        ChatTemplate t = template(CHATML);
        assertEquals("chatml", t.name());
        assertEquals("<|im_start|>system\nYou are Aria, a ranger.<|im_end|>\n<|im_start|>user\nBob: Hi!<|im_end|>\n"
                + "<|im_start|>assistant\nHello, traveller.<|im_end|>\n<|im_start|>user\nWhere to?<|im_end|>\n"
                + "<|im_start|>assistant\n", t.render(CONVERSATION, true).text());
        assertEquals("<|im_start|>user\nHi<|im_end|>\n", t.render(List.of(ChatMessage.user("Hi")), false).text());
    }

    @Test
    void rendersQwenDefaultSystemOnlyWhenTheConversationHasNone() {
        ChatTemplate t = template(QWEN25);
        assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", t.render(List.of(ChatMessage.user("Hi")), true).text());
        assertTrue(t.render(CONVERSATION, true).text().startsWith("<|im_start|>system\nYou are Aria"));
    }

    @Test
    void rendersMistralInstWithSystemBeforeFirstUserMessage() {
        ChatTemplate t = template(MISTRAL);
        assertEquals("mistral", t.name());
        RenderedPrompt p = t.render(CONVERSATION, true);
        assertEquals("[INST] You are Aria, a ranger.\n\nBob: Hi! [/INST]Hello, traveller.</s>[INST] Where to? [/INST]", p.text());
        assertTrue(p.stopStrings().contains("</s>"));
    }

    @Test
    void tellsMistralVariantsApartAndRendersTheirSpacing() {
        String v1 = "{{- ' [INST] ' + system_message + '\\n\\n' + message['content'] + ' [/INST]' }}";
        String v3 = "{{- \"[INST] \" + message[\"content\"] + \"[/INST]\" }}{{- \" \" + message[\"content\"]|trim + eos_token}}";
        String tekken = "{{- \"[INST]\" + message[\"content\"] + \"[/INST]\" }}{{- message[\"content\"] + eos_token}}";
        String v7 = "{{- '[SYSTEM_PROMPT] ' + system_message + '[/SYSTEM_PROMPT]' }}{{- '[INST] ' + message['content'] + '[/INST]' }}";
        assertEquals(" [INST] You are Aria, a ranger.\n\nBob: Hi! [/INST] Hello, traveller.</s> [INST] Where to? [/INST]",
                render(v1, "mistral-v1"));
        assertEquals("[INST] You are Aria, a ranger.\n\nBob: Hi![/INST] Hello, traveller.</s>[INST] Where to?[/INST]",
                render(v3, "mistral-v3"));
        assertEquals("[INST]You are Aria, a ranger.\n\nBob: Hi![/INST]Hello, traveller.</s>[INST]Where to?[/INST]",
                render(tekken, "mistral-v3-tekken"));
        assertEquals("[SYSTEM_PROMPT] You are Aria, a ranger.[/SYSTEM_PROMPT][INST] Bob: Hi![/INST] Hello, traveller.</s>"
                + "[INST] Where to?[/INST]", render(v7, "mistral-v7"));
    }

    private static String render(String jinja, String expectedName) {
        ChatTemplate t = template(jinja);
        assertEquals(expectedName, t.name());
        return t.render(CONVERSATION, true).text();
    }

    @Test
    void rendersZephyrWithEosAfterEachTurn() {
        ChatTemplate t = template(ZEPHYR);
        assertEquals("zephyr", t.name());
        assertEquals("<|system|>\nYou are Aria, a ranger.</s>\n<|user|>\nBob: Hi!</s>\n<|assistant|>\nHello, traveller.</s>\n"
                + "<|user|>\nWhere to?</s>\n<|assistant|>\n", t.render(CONVERSATION, true).text());
    }

    @Test
    void rendersGemmaWithModelRoleAndSystemFoldedIntoUser() {
        ChatTemplate t = template(GEMMA);
        assertEquals("gemma", t.name());
        RenderedPrompt p = t.render(CONVERSATION, true);
        assertEquals("<start_of_turn>user\nYou are Aria, a ranger.\n\nBob: Hi!<end_of_turn>\n"
                + "<start_of_turn>model\nHello, traveller.<end_of_turn>\n<start_of_turn>user\nWhere to?<end_of_turn>\n"
                + "<start_of_turn>model\n", p.text());
        assertTrue(p.stopStrings().contains("<end_of_turn>"));
    }

    @Test
    void rendersRolePlayLinesWithOtherSpeakersAsStops() {
        RolePlayTemplate t = ChatTemplates.rolePlay();
        List<ChatMessage> scene = List.of(
                ChatMessage.system("A tavern at dusk."),
                ChatMessage.user("Bob", "Hi!"),
                ChatMessage.assistant("Aria", "Hello, traveller."),
                ChatMessage.user("Where to?"));
        RenderedPrompt p = t.render(scene, true);
        assertEquals("A tavern at dusk.\n\nBob: Hi!\nAria: Hello, traveller.\nUser: Where to?\nAria:", p.text());
        assertEquals(List.of("\nUser:", "\nBob:"), p.stopStrings());
    }

    @Test
    void rolePlayCanHandTheTurnToAnyCharacter() {
        RenderedPrompt p = ChatTemplates.rolePlay().render(List.of(ChatMessage.assistant("Aria", "Look!")), "Borin");
        assertEquals("Aria: Look!\nBorin:", p.text());
        assertEquals(List.of("\nUser:", "\nAria:"), p.stopStrings());
    }

    @Test
    void failsOnAnUnrecognisedTemplateNamingTheModelAndTemplate() {
        Map<String, Object> md = Map.of(ChatTemplates.METADATA_KEY, "{{ '<|turn|>' + message.text }}", "general.name", "Odd-7B");
        UnsupportedChatTemplateException e = assertThrows(UnsupportedChatTemplateException.class, () -> ChatTemplates.forMetadata(md));
        assertTrue(e.getMessage().contains("Odd-7B"), e.getMessage());
        assertTrue(e.getMessage().contains("<|turn|>"), e.getMessage());
        assertInstanceOf(RolePlayTemplate.class, ChatTemplates.forMetadata(md, true));
    }

    @Test
    void treatsLlama2SysTemplateAsUnrecognised() {
        Map<String, Object> md = Map.of(ChatTemplates.METADATA_KEY, "[INST] <<SYS>>\\n' + system + '\\n<</SYS>> [/INST]");
        assertThrows(UnsupportedChatTemplateException.class, () -> ChatTemplates.forMetadata(md));
    }

    @Test
    void baseModelWithoutTemplateGetsRolePlay() throws IOException {
        Map<String, Object> md = TestGguf.metadata(TestGguf.sharedModel("stories260K.gguf"));
        ChatTemplate t = ChatTemplates.forMetadata(md);
        assertEquals("roleplay", t.name());
        Tokenizer tokenizer = Tokenizer.fromGguf(md);
        RenderedPrompt p = t.render(List.of(ChatMessage.user("Lily", "Hi Tom!")), true);
        int[] ids = tokenizer.encode(p.text(), tokenizer.addBosByDefault(), true);
        assertEquals(tokenizer.bosId(), ids[0]);
        assertEquals(p.text(), tokenizer.decode(ids));
    }

    @Test
    void mapsSingleTokenStopStringsToTokenIds() {
        Map<String, Object> md = new HashMap<>();
        md.put("tokenizer.ggml.model", "gpt2");
        md.put("tokenizer.ggml.tokens", List.of("a", "<|im_end|>", "<|im_start|>"));
        md.put("tokenizer.ggml.token_type", List.of(1L, 3L, 3L));
        md.put("tokenizer.ggml.merges", List.of());
        Tokenizer tokenizer = Tokenizer.fromGguf(md);
        RenderedPrompt p = template(CHATML).render(List.of(ChatMessage.user("Hi")), true);
        assertArrayEquals(new int[] {1, 2}, p.stopTokenIds(tokenizer));
    }

    @Test
    void choosesFormatsByName() {
        for (String name : ChatTemplates.NAMES) {
            assertEquals(name, ChatTemplates.byName(name, "</s>").name());
        }
        assertThrows(UnsupportedChatTemplateException.class, () -> ChatTemplates.byName("vicuna", "</s>"));
    }

    @Test
    void rejectsUnknownRolesAndNamesThatBreakTheFormat() {
        assertThrows(IllegalArgumentException.class, () -> new ChatMessage("narrator", null, "x"));
        assertThrows(IllegalArgumentException.class, () -> ChatMessage.user("Bob:\n", "x"));
        assertEquals(null, ChatMessage.user(" ", "x").name());
    }
}
