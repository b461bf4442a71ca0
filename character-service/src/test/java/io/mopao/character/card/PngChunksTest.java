package io.mopao.character.card;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mopao.service.error.ApiException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strict chunk reader on its own: what it accepts and each way it refuses a file. */
class PngChunksTest {

    @Test
    void readsAndWritesAPngUnchanged() {
        byte[] png = TestCards.png(Map.of("chara", TestCards.v2("Lin")));
        List<PngChunks.Chunk> chunks = PngChunks.read(png);
        assertEquals("IHDR", chunks.getFirst().type());
        assertEquals("IEND", chunks.getLast().type());
        assertTrue(Arrays.equals(png, PngChunks.write(chunks)));
        assertEquals("chara", chunks.get(chunks.size() - 2).textKeyword());
    }

    @Test
    void refusesDataAfterIend() {
        byte[] png = TestCards.plainPng(2, 2);
        byte[] longer = Arrays.copyOf(png, png.length + 12);
        ApiException e = assertThrows(ApiException.class, () -> PngChunks.read(longer));
        assertTrue(e.getMessage().contains("after its IEND"), e.getMessage());
    }

    @Test
    void refusesAFileThatDoesNotStartWithIhdr() {
        List<PngChunks.Chunk> chunks = new ArrayList<>(PngChunks.read(TestCards.plainPng(2, 2)));
        chunks.addFirst(PngChunks.text("chara", "x"));
        ApiException e = assertThrows(ApiException.class, () -> PngChunks.read(PngChunks.write(chunks)));
        assertTrue(e.getMessage().contains("IHDR"), e.getMessage());
    }

    @Test
    void refusesAMissingIendAndABadSignature() {
        List<PngChunks.Chunk> chunks = new ArrayList<>(PngChunks.read(TestCards.plainPng(2, 2)));
        chunks.removeLast();
        ApiException e = assertThrows(ApiException.class, () -> PngChunks.read(PngChunks.write(chunks)));
        assertTrue(e.getMessage().contains("no IEND"), e.getMessage());
        byte[] notPng = "GIF89a....".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThrows(ApiException.class, () -> PngChunks.read(notPng));
    }

    @Test
    void refusesALengthAbovePngsMaximum() {
        byte[] png = TestCards.plainPng(2, 2);
        byte[] hostile = Arrays.copyOf(png, 33 + 12);
        hostile[33] = (byte) 0xFF;
        hostile[34] = (byte) 0xFF;
        hostile[35] = (byte) 0xFF;
        hostile[36] = (byte) 0xFF;
        hostile[37] = 't';
        hostile[38] = 'E';
        hostile[39] = 'X';
        hostile[40] = 't';
        ApiException e = assertThrows(ApiException.class, () -> PngChunks.read(hostile));
        assertTrue(e.getMessage().contains("more than PNG allows"), e.getMessage());
    }
}
