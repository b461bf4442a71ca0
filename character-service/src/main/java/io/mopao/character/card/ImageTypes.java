package io.mopao.character.card;

import java.util.Optional;

/** Image types recognised by their magic bytes (never by the client's Content-Type or file name). */
public final class ImageTypes {

    public static final String PNG = "image/png";
    public static final String JPEG = "image/jpeg";
    public static final String GIF = "image/gif";
    public static final String WEBP = "image/webp";

    private ImageTypes() {
    }

    /** The media type of an image, or empty when the bytes are not PNG, JPEG, GIF or WebP. */
    public static Optional<String> detect(byte[] b) {
        if (b == null) {
            return Optional.empty();
        }
        if (startsWith(b, PngChunks.SIGNATURE)) {
            return Optional.of(PNG);
        }
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return Optional.of(JPEG);
        }
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8' && (b[4] == '7' || b[4] == '9') && b[5] == 'a') {
            return Optional.of(GIF);
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E' && b[10] == 'B'
            && b[11] == 'P') {
            return Optional.of(WEBP);
        }
        return Optional.empty();
    }

    /** File extension for a media type. */
    public static String extension(String mediaType) {
        return switch (mediaType) {
            case PNG -> "png";
            case JPEG -> "jpg";
            case GIF -> "gif";
            case WEBP -> "webp";
            default -> "bin";
        };
    }

    static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
