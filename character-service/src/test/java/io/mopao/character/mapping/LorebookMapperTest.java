package io.mopao.character.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mopao.character.card.TestCards;
import io.mopao.events.lore.LoreEntry;
import io.mopao.events.lore.Lorebook;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The card's character_book as the Lorebook that events carry. */
class LorebookMapperTest {

    @Test
    void mapsSillyTavernEntryExtensions() {
        Lorebook book = LorebookMapper.toLorebook("c1", "Lin", TestCards.book());
        assertEquals(LorebookMapper.lorebookId("c1"), book.id());
        assertEquals(4, book.scanDepth());
        assertEquals(true, book.recursiveScanning());
        LoreEntry e = book.entries().getFirst();
        assertEquals(7, e.uid());
        assertEquals(List.of("night"), e.secondaryKeys());
        assertEquals(LoreEntry.Position.AT_DEPTH, e.position());
        assertEquals("system", e.role());
        assertEquals(true, e.useProbability());
        assertEquals("lighthouse", e.comment());
    }

    @Test
    void cardOnlyFieldsAndRegexKeysWithoutExtensions() {
        ObjectNode book = TestCards.JSON.createObjectNode();
        ObjectNode entry = book.putArray("entries").addObject();
        entry.putArray("keys").add("light\\s*house");
        entry.put("use_regex", true);
        entry.put("position", "before_char");
        entry.put("content", "text");
        entry.put("name", "old-style name");
        Lorebook mapped = LorebookMapper.toLorebook("c2", "Lin", book);
        assertEquals("Lin (character book)", mapped.name());
        LoreEntry e = mapped.entries().getFirst();
        assertEquals(List.of("/light\\s*house/"), e.keys());
        assertEquals(LoreEntry.Position.BEFORE_CHARACTER, e.position());
        assertEquals(LoreEntry.SelectiveLogic.AND_ANY, e.selectiveLogic());
        assertEquals(100, e.probability());
        assertEquals("old-style name", e.comment());
        assertNull(LorebookMapper.toLorebook("c3", "Lin", null));
    }
}
