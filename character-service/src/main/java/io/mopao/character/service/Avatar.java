package io.mopao.character.service;

/**
 * An avatar image.
 *
 * @param mediaType image media type
 * @param data the bytes
 * @param sha256 hex digest, used as ETag
 */
public record Avatar(String mediaType, byte[] data, String sha256) {
}
