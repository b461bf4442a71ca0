package io.mopao.events.dialogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DialogueRoutingTest {

    @Test
    void withoutDedicatedPoolsEveryModelGoesToTheCatalogueTopic() {
        DialogueRouting r = DialogueRouting.catalogue(Set.of());
        assertEquals("mopao.dialogue.requests", r.requestsTopic("stories260K"));
        assertEquals("mopao.dialogue.requests", r.requestsTopic("anything"));
        assertEquals("mopao.dialogue.requests", r.requestsTopic(null));
        assertEquals(List.of("mopao.dialogue.requests"), r.allRequestsTopics());
    }

    @Test
    void aModelWithAPoolOfItsOwnHasItsOwnTopicAndGroup() {
        DialogueRouting r = DialogueRouting.catalogue(Set.of("llama-3.1-8b", "qwen2_7b"));
        assertEquals("mopao.dialogue.requests.llama-3.1-8b", r.requestsTopic("llama-3.1-8b"));
        assertEquals("mopao-gpu-runtime.llama-3.1-8b", r.dedicatedGroup("llama-3.1-8b"));
        assertEquals("mopao.dialogue.requests", r.requestsTopic("stories260K"), "other models stay on the default pool");
        assertEquals(List.of("mopao.dialogue.requests", "mopao.dialogue.requests.llama-3.1-8b", "mopao.dialogue.requests.qwen2_7b"),
            r.allRequestsTopics());
    }

    @Test
    void aModelNameThatCannotBeATopicNameCannotHaveAPool() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DialogueRouting.catalogue(Set.of("my model/v2")));
        assertTrue(e.getMessage().contains("'my model/v2'") && e.getMessage().contains("a-z"), e.getMessage());
    }
}
