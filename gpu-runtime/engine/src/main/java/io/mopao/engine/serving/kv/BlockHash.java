package io.mopao.engine.serving.kv;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Identity of a full KV block's contents: SHA-256 (first 128 bits) of the parent block's hash, the block's token ids
 * and the cache identity (model and adapter). Two blocks with the same hash hold the same keys and values, because
 * a block's KV depends only on its tokens, every token before it (the parent chain) and the weights.
 *
 * @param hi first 64 bits
 * @param lo next 64 bits
 */
public record BlockHash(long hi, long lo) {

    /** The parent of the first block of every sequence. */
    public static final BlockHash NONE = new BlockHash(0L, 0L);

    /**
     * Hashes one full block.
     *
     * @param parent   hash of the previous block, {@link #NONE} for the first
     * @param tokens   token ids of the sequence
     * @param from     first token of the block
     * @param to       one past the last token of the block
     * @param identity model and adapter identity (blocks of different weights never match)
     * @return the hash
     */
    public static BlockHash of(BlockHash parent, int[] tokens, int from, int to, String identity) {
        MessageDigest md = sha256();
        ByteBuffer buf = ByteBuffer.allocate(16 + 4 * (to - from));
        buf.putLong(parent.hi).putLong(parent.lo);
        for (int i = from; i < to; i++) {
            buf.putInt(tokens[i]);
        }
        md.update(buf.array());
        md.update(identity.getBytes(StandardCharsets.UTF_8));
        ByteBuffer d = ByteBuffer.wrap(md.digest());
        return new BlockHash(d.getLong(), d.getLong());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    @Override
    public String toString() {
        return String.format("%016x%016x", hi, lo);
    }
}
