package io.mopao.character.card;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.mopao.character.config.CharacterConfig;
import io.mopao.character.service.CharacterContent;
import io.mopao.service.error.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads and writes character card files: JSON (V1, V2, V3), PNG and APNG with {@code chara} (V2) and {@code ccv3} (V3)
 * tEXt chunks, and CHARX (zip with {@code card.json} and assets). Pure CPU work: call it off the event loop.
 */
@ApplicationScoped
public class CardCodec {

    /** tEXt keyword of the V2 card in PNG files. */
    public static final String CHARA = "chara";
    /** tEXt keyword of the V3 card in PNG files. */
    public static final String CCV3 = "ccv3";
    private static final String EMBEDDED = "embeded://";
    private static final long MAX_PIXELS = 40_000_000L;

    private final CharacterConfig config;
    private final CardJson json;

    public CardCodec(CharacterConfig config) {
        this.config = config;
        this.json = new CardJson(config.jsonMaxDepth());
    }

    public CardJson json() {
        return json;
    }

    /** Reads any supported card file; every problem is a 4xx that names it. */
    public ImportedCard read(byte[] bytes, String visibility, String contentRating) {
        if (bytes == null || bytes.length == 0) {
            throw CardErrors.invalidCard("the request body is empty: send a card file (JSON, PNG, APNG or CHARX)");
        }
        if (bytes.length > config.importMaxBytes()) {
            throw ApiException.tooLarge("card file is " + bytes.length + " bytes; the limit is " + config.importMaxBytes() + " bytes");
        }
        if (PngChunks.isPng(bytes)) {
            return readPng(bytes, visibility, contentRating);
        }
        if (bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4) {
            return readCharx(bytes, visibility, contentRating);
        }
        if (looksLikeJson(bytes)) {
            CardMapper.ParsedCard card = CardMapper.fromCard(json.parse(bytes, "card JSON"), visibility, contentRating);
            return new ImportedCard("json", card.specVersion(), card.content(), null, null, Map.of());
        }
        throw ApiException.unsupportedMediaType("unrecognised card file: expected JSON, PNG/APNG (with a chara or ccv3 chunk) or CHARX");
    }

    private ImportedCard readPng(byte[] bytes, String visibility, String contentRating) {
        List<PngChunks.Chunk> chunks = PngChunks.read(bytes);
        PngChunks.Chunk v3 = null;
        PngChunks.Chunk v2 = null;
        boolean animated = false;
        List<PngChunks.Chunk> image = new ArrayList<>(chunks.size());
        for (PngChunks.Chunk chunk : chunks) {
            String keyword = chunk.textKeyword();
            if (keyword != null && keyword.equalsIgnoreCase(CCV3)) {
                v3 = v3 == null ? chunk : v3;
            } else if (keyword != null && keyword.equalsIgnoreCase(CHARA)) {
                v2 = v2 == null ? chunk : v2;
            } else {
                animated |= "acTL".equals(chunk.type());
                image.add(chunk);
            }
        }
        PngChunks.Chunk chosen = v3 != null ? v3 : v2;
        if (chosen == null) {
            throw CardErrors.invalidCard("PNG has no character data (no 'ccv3' or 'chara' tEXt chunk)");
        }
        String what = (chosen == v3 ? CCV3 : CHARA) + " chunk";
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(chosen.text().replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            throw CardErrors.invalidCard(what + " is not valid base64");
        }
        CardMapper.ParsedCard card = CardMapper.fromCard(json.parse(decoded, what), visibility, contentRating);
        byte[] avatar = PngChunks.write(image);
        checkAvatarSize(avatar.length, "the card's PNG image");
        return new ImportedCard(animated ? "apng" : "png", card.specVersion(), card.content(), ImageTypes.PNG, avatar, Map.of());
    }

    private ImportedCard readCharx(byte[] bytes, String visibility, String contentRating) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        byte[] cardJson = null;
        long total = 0;
        int entries = 0;
        byte[] buffer = new byte[64 * 1024];
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8)) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (++entries > config.charxMaxEntries()) {
                    throw CardErrors.invalidCard("CHARX has more than " + config.charxMaxEntries() + " entries");
                }
                String path = entry.getName();
                checkPath(path);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int n;
                while ((n = zip.read(buffer)) > 0) {
                    total += n;
                    if (total > config.charxMaxUncompressedBytes()) {
                        throw ApiException.tooLarge("CHARX expands to more than " + config.charxMaxUncompressedBytes()
                            + " bytes uncompressed (limit; possible zip bomb)");
                    }
                    out.write(buffer, 0, n);
                }
                if (entry.isDirectory()) {
                    continue;
                }
                if (files.containsKey(path) || ("card.json".equals(path) && cardJson != null)) {
                    throw CardErrors.invalidCard("CHARX has the entry '" + path + "' twice");
                }
                if ("card.json".equals(path)) {
                    cardJson = out.toByteArray();
                } else {
                    files.put(path, out.toByteArray());
                }
            }
        } catch (ZipException e) {
            throw CardErrors.invalidCard("CHARX is not a valid zip archive: " + e.getMessage());
        } catch (IOException e) {
            throw CardErrors.invalidCard("CHARX could not be read: " + e.getMessage());
        }
        if (entries == 0) {
            throw CardErrors.invalidCard("CHARX is not a valid zip archive (no entries)");
        }
        if (cardJson == null) {
            throw CardErrors.invalidCard("CHARX has no card.json at its root");
        }
        CardMapper.ParsedCard card = CardMapper.fromCard(json.parse(cardJson, "CHARX card.json"), visibility, contentRating);
        for (JsonNode asset : card.content().assets() == null ? List.<JsonNode>of() : iterable(card.content().assets())) {
            String uri = asset.path("uri").asText();
            if (uri.startsWith(EMBEDDED) && !files.containsKey(uri.substring(EMBEDDED.length()))) {
                throw CardErrors.invalidCard("CHARX asset '" + uri + "' is not in the archive");
            }
        }
        byte[] avatar = null;
        String avatarType = null;
        String iconPath = mainIconPath(card.content().assets());
        if (iconPath != null) {
            byte[] icon = files.get(iconPath);
            avatarType = ImageTypes.detect(icon).orElse(null);
            if (avatarType != null && icon.length <= config.avatarMaxBytes()) {
                avatar = icon;
            } else {
                avatarType = null;
            }
        }
        return new ImportedCard("charx", card.specVersion(), card.content(), avatarType, avatar, files);
    }

    /** The archive path of the main icon asset, if it is embedded. */
    static String mainIconPath(JsonNode assets) {
        if (assets == null) {
            return null;
        }
        String first = null;
        for (JsonNode asset : assets) {
            String uri = asset.path("uri").asText();
            if (!"icon".equals(asset.path("type").asText()) || !uri.startsWith(EMBEDDED)) {
                continue;
            }
            String path = uri.substring(EMBEDDED.length());
            if ("main".equals(asset.path("name").asText())) {
                return path;
            }
            first = first == null ? path : first;
        }
        return first;
    }

    private static Iterable<JsonNode> iterable(JsonNode array) {
        return array::iterator;
    }

    private static void checkPath(String path) {
        if (path.isEmpty() || path.length() > 512 || path.startsWith("/") || path.contains("\\") || path.contains("\0")
            || List.of(path.split("/")).contains("..")) {
            throw CardErrors.invalidCard("CHARX entry name '" + (path.length() > 80 ? path.substring(0, 80) : path) + "' is not allowed");
        }
    }

    private void checkAvatarSize(int size, String what) {
        if (size > config.avatarMaxBytes()) {
            throw ApiException.tooLarge(what + " is " + size + " bytes; avatars are limited to " + config.avatarMaxBytes() + " bytes");
        }
    }

    private static boolean looksLikeJson(byte[] bytes) {
        int i = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            i = 3;
        }
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t')) {
            i++;
        }
        return i < bytes.length && (bytes[i] == '{' || bytes[i] == '[');
    }

    // ---- export ----

    /** A V3 JSON card file. */
    public byte[] writeV3Json(CharacterContent content, long creationDate, long modificationDate) {
        return toBytes(CardMapper.toV3(content, creationDate, modificationDate));
    }

    /** A V2 JSON card file. */
    public byte[] writeV2Json(CharacterContent content) {
        return toBytes(CardMapper.toV2(content));
    }

    /**
     * A PNG card: the avatar (converted to PNG when it is JPEG or GIF, a plain placeholder when there is none or it is
     * WebP) with a {@code chara} chunk (V2) and a {@code ccv3} chunk (V3) before IEND.
     */
    public byte[] writePng(CharacterContent content, long creationDate, long modificationDate, String avatarType, byte[] avatar) {
        byte[] base = pngBase(avatarType, avatar);
        List<PngChunks.Chunk> chunks = new ArrayList<>();
        Base64.Encoder b64 = Base64.getEncoder();
        for (PngChunks.Chunk chunk : PngChunks.read(base)) {
            String keyword = chunk.textKeyword();
            if (keyword != null && (keyword.equalsIgnoreCase(CHARA) || keyword.equalsIgnoreCase(CCV3))) {
                continue;
            }
            if ("IEND".equals(chunk.type())) {
                chunks.add(PngChunks.text(CHARA, b64.encodeToString(writeV2Json(content))));
                chunks.add(PngChunks.text(CCV3, b64.encodeToString(writeV3Json(content, creationDate, modificationDate))));
            }
            chunks.add(chunk);
        }
        return PngChunks.write(chunks);
    }

    /** A CHARX archive: card.json (V3) and the stored files; the avatar becomes the main icon when the card names none. */
    public byte[] writeCharx(CharacterContent content, long creationDate, long modificationDate, String avatarType, byte[] avatar,
        Map<String, byte[]> files) {
        CharacterContent card = content;
        Map<String, byte[]> entries = new LinkedHashMap<>(files);
        if (avatar != null && mainIconPath(content.assets()) == null) {
            String path = "assets/icon/images/main." + ImageTypes.extension(avatarType);
            var assets = content.assets() == null ? json.mapper().createArrayNode() : ((com.fasterxml.jackson.databind.node.ArrayNode)
                content.assets()).deepCopy();
            assets.addObject().put("type", "icon").put("uri", EMBEDDED + path).put("name", "main").put("ext",
                ImageTypes.extension(avatarType));
            card = new CharacterContent(content.name(), content.nickname(), content.description(), content.personality(),
                content.scenario(), content.firstMessage(), content.alternateGreetings(), content.groupOnlyGreetings(),
                content.exampleMessages(), content.systemPrompt(), content.postHistoryInstructions(), content.creatorNotes(),
                content.creatorNotesMultilingual(), content.tags(), content.creator(), content.characterVersion(), content.source(),
                content.creationDate(), assets, content.characterBook(), content.extensions(), content.visibility(),
                content.contentRating());
            entries.put(path, avatar);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
            zip.putNextEntry(new ZipEntry("card.json"));
            zip.write(writeV3Json(card, creationDate, modificationDate));
            zip.closeEntry();
            for (Map.Entry<String, byte[]> file : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private byte[] toBytes(JsonNode node) {
        try {
            return json.mapper().writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write card JSON", e);
        }
    }

    private static byte[] pngBase(String avatarType, byte[] avatar) {
        if (avatar != null && ImageTypes.PNG.equals(avatarType)) {
            return avatar;
        }
        if (avatar != null && (ImageTypes.JPEG.equals(avatarType) || ImageTypes.GIF.equals(avatarType))) {
            BufferedImage image = decodeBounded(avatar);
            if (image != null) {
                return encodePng(image);
            }
        }
        BufferedImage placeholder = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        var g = placeholder.createGraphics();
        g.setColor(new Color(0x5B, 0x8D, 0xEF));
        g.fillRect(0, 0, 256, 256);
        g.dispose();
        return encodePng(placeholder);
    }

    /** Decodes an image after checking its declared size, so a small file cannot claim a huge canvas. */
    private static BufferedImage decodeBounded(byte[] bytes) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                if ((long) reader.getWidth(0) * reader.getHeight(0) > MAX_PIXELS) {
                    return null;
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static byte[] encodePng(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Lower-cased file extension of a format name, for Content-Disposition. */
    public static String fileExtension(String format) {
        return format.toLowerCase(Locale.ROOT);
    }
}
