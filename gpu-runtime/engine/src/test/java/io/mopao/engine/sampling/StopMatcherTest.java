package io.mopao.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Stop strings over streamed text. */
class StopMatcherTest {

    @Test
    void passesTextThroughWhenNothingCouldMatch() {
        StopMatcher m = new StopMatcher(List.of("\nUser:"));
        StopMatcher.Result r = m.push("Hello there");
        assertEquals("Hello there", r.text());
        assertFalse(r.stopped());
    }

    @Test
    void holdsBackAPartialMatchAcrossChunks() {
        StopMatcher m = new StopMatcher(List.of("\nUser:"));
        assertEquals("Hi", m.push("Hi\nUs").text());
        StopMatcher.Result r = m.push("er: next");
        assertTrue(r.stopped());
        assertEquals("", r.text());
        assertEquals("\nUser:", r.stop());
    }

    @Test
    void releasesHeldTextOnceThePartialMatchBreaks() {
        StopMatcher m = new StopMatcher(List.of("\nUser:"));
        assertEquals("Hi", m.push("Hi\nU").text());
        assertEquals("\nUnder", m.push("nder").text());
    }

    @Test
    void flushReleasesTheHeldTailAtTheEnd() {
        StopMatcher m = new StopMatcher(List.of("</s>"));
        assertEquals("done", m.push("done</").text());
        assertEquals("</", m.flush());
        assertNull(m.stoppedBy());
    }

    @Test
    void cutsTextBeforeAStopInsideOneChunk() {
        StopMatcher m = new StopMatcher(List.of("END"));
        StopMatcher.Result r = m.push("story ENDand more");
        assertEquals("story ", r.text());
        assertEquals("END", r.stop());
        assertEquals("", m.flush());
    }

    @Test
    void firstStopToCompleteWinsWhateverTheChunking() {
        List<String> stops = List.of("abcd", "bc");
        StopMatcher whole = new StopMatcher(stops);
        StopMatcher.Result r = whole.push("xabcd");
        StopMatcher split = new StopMatcher(stops);
        String first = split.push("xab").text();
        StopMatcher.Result r2 = split.push("cd");
        assertEquals("bc", r.stop());
        assertEquals("xa", r.text());
        assertEquals("bc", r2.stop());
        assertEquals("xa", first + r2.text());
    }

    @Test
    void handlesStopsThatOverlapThemselves() {
        StopMatcher m = new StopMatcher(List.of("aab"));
        assertEquals("", m.push("a").text());
        assertEquals("", m.push("a").text());
        assertEquals("a", m.push("a").text());
        StopMatcher.Result r = m.push("b");
        assertTrue(r.stopped());
        assertEquals("", r.text());
    }

    @Test
    void matchesMultiByteTextCharacterByCharacter() {
        StopMatcher m = new StopMatcher(List.of("你好"));
        assertEquals("说", m.push("说你").text());
        StopMatcher.Result r = m.push("好😀");
        assertEquals("", r.text());
        assertEquals("你好", r.stop());
    }

    @Test
    void withoutStopsEverythingPassesThrough() {
        StopMatcher m = new StopMatcher(List.of());
        assertEquals("any", m.push("any").text());
        assertEquals("", m.flush());
    }

    @Test
    void refusesTextAfterAStop() {
        StopMatcher m = new StopMatcher(List.of("x"));
        assertTrue(m.push("x").stopped());
        assertThrows(IllegalStateException.class, () -> m.push("more"));
    }

    @Test
    void rejectsEmptyStopStrings() {
        assertThrows(IllegalArgumentException.class, () -> new StopMatcher(List.of("")));
    }
}
