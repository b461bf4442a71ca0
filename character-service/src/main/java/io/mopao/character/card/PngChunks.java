package io.mopao.character.card;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A small, strict PNG/APNG chunk reader and writer. Reading checks the signature, that IHDR comes first, every chunk's
 * length against what is left, every CRC, and that IEND ends the file; it never decodes pixels.
 */
public final class PngChunks {

    static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /**
     * One chunk.
     *
     * @param type four-letter chunk type
     * @param data chunk data
     */
    public record Chunk(String type, byte[] data) {

        /** For a tEXt chunk: its keyword (before the NUL), else null. */
        public String textKeyword() {
            if (!"tEXt".equals(type)) {
                return null;
            }
            int nul = indexOfNul(data);
            return nul < 0 ? null : new String(data, 0, nul, StandardCharsets.ISO_8859_1);
        }

        /** For a tEXt chunk: its text (after the NUL, Latin-1). */
        public String text() {
            int nul = indexOfNul(data);
            return new String(data, nul + 1, data.length - nul - 1, StandardCharsets.ISO_8859_1);
        }

        private static int indexOfNul(byte[] data) {
            for (int i = 0; i < data.length && i < 80; i++) {
                if (data[i] == 0) {
                    return i;
                }
            }
            return -1;
        }
    }

    private PngChunks() {
    }

    public static boolean isPng(byte[] bytes) {
        return ImageTypes.startsWith(bytes, SIGNATURE);
    }

    /** Reads every chunk; any structural problem is a 400 that names it. */
    public static List<Chunk> read(byte[] png) {
        if (!isPng(png)) {
            throw CardErrors.invalidCard("not a PNG file (bad signature)");
        }
        List<Chunk> chunks = new ArrayList<>();
        int pos = SIGNATURE.length;
        boolean ended = false;
        while (pos < png.length) {
            if (ended) {
                throw CardErrors.invalidCard("PNG has data after its IEND chunk (offset " + pos + ")");
            }
            if (png.length - pos < 12) {
                throw CardErrors.invalidCard("PNG is truncated: incomplete chunk header at offset " + pos);
            }
            long length = readUnsignedInt(png, pos);
            String type = new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1);
            if (!type.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                throw CardErrors.invalidCard("PNG chunk at offset " + pos + " has an invalid type (corrupt file)");
            }
            if (length > Integer.MAX_VALUE) {
                throw CardErrors.invalidCard("PNG chunk " + type + " at offset " + pos + " declares " + length
                    + " bytes, more than PNG allows");
            }
            long available = (long) png.length - pos - 12;
            if (length > available) {
                throw CardErrors.invalidCard("PNG is truncated: chunk " + type + " at offset " + pos + " declares " + length
                    + " bytes but only " + Math.max(0, available) + " remain");
            }
            int dataStart = pos + 8;
            int len = (int) length;
            CRC32 crc = new CRC32();
            crc.update(png, pos + 4, 4 + len);
            long expected = readUnsignedInt(png, dataStart + len);
            if (crc.getValue() != expected) {
                throw CardErrors.invalidCard("PNG chunk " + type + " at offset " + pos + " has a bad CRC (corrupt file)");
            }
            if (chunks.isEmpty() && !"IHDR".equals(type)) {
                throw CardErrors.invalidCard("PNG does not start with an IHDR chunk");
            }
            byte[] data = new byte[len];
            System.arraycopy(png, dataStart, data, 0, len);
            chunks.add(new Chunk(type, data));
            if ("IEND".equals(type)) {
                ended = true;
            }
            pos = dataStart + len + 4;
        }
        if (!ended) {
            throw CardErrors.invalidCard("PNG is truncated: no IEND chunk");
        }
        return chunks;
    }

    /** Writes chunks as a PNG file (signature, then each chunk with its CRC). */
    public static byte[] write(List<Chunk> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        for (Chunk chunk : chunks) {
            byte[] type = chunk.type().getBytes(StandardCharsets.ISO_8859_1);
            writeInt(out, chunk.data().length);
            out.writeBytes(type);
            out.writeBytes(chunk.data());
            CRC32 crc = new CRC32();
            crc.update(type);
            crc.update(chunk.data());
            writeInt(out, (int) crc.getValue());
        }
        return out.toByteArray();
    }

    /** A tEXt chunk with an ASCII keyword and Latin-1 text. */
    public static Chunk text(String keyword, String text) {
        byte[] k = keyword.getBytes(StandardCharsets.ISO_8859_1);
        byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
        byte[] data = new byte[k.length + 1 + t.length];
        System.arraycopy(k, 0, data, 0, k.length);
        System.arraycopy(t, 0, data, k.length + 1, t.length);
        return new Chunk("tEXt", data);
    }

    private static long readUnsignedInt(byte[] b, int pos) {
        return ((long) (b[pos] & 0xFF) << 24) | ((b[pos + 1] & 0xFF) << 16) | ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }
}
