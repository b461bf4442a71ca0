package io.mopao.character.card;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/** Real-world-shaped character cards built by the tests (SillyTavern / RisuAI / chub style). */
public final class TestCards {

    public static final ObjectMapper JSON = new ObjectMapper();

    private TestCards() {
    }

    /** A V1 (TavernAI) card: fields at the root, no spec. */
    public static ObjectNode v1(String name) {
        ObjectNode c = JSON.createObjectNode();
        c.put("name", name);
        c.put("description", "{{char}} is a retired sea captain.");
        c.put("personality", "gruff, kind");
        c.put("scenario", "{{user}} visits the harbour.");
        c.put("first_mes", "Ahoy.");
        c.put("mes_example", "<START>\n{{user}}: Hello\n{{char}}: Ahoy.");
        return c;
    }

    /** A V2 card as SillyTavern exports it, with a character_book and extensions other tools added. */
    public static ObjectNode v2(String name) {
        ObjectNode root = JSON.createObjectNode();
        root.put("spec", "chara_card_v2");
        root.put("spec_version", "2.0");
        ObjectNode d = root.putObject("data");
        d.put("name", name);
        d.put("description", "{{char}} keeps the lighthouse on 雾岛.");
        d.put("personality", "calm, curious");
        d.put("scenario", "A foggy island at night.");
        d.put("first_mes", "*The lamp flickers.* Who comes at this hour?");
        d.put("mes_example", "<START>\n{{user}}: Hi\n{{char}}: The fog hears you.");
        d.put("creator_notes", "Best with slow pacing.");
        d.put("system_prompt", "{{original}} Stay in character.");
        d.put("post_history_instructions", "Reply in two paragraphs.");
        d.putArray("alternate_greetings").add("Ah, a visitor!").add("又一个迷路的人。");
        d.set("character_book", book());
        d.putArray("tags").add("mystery").add("悬疑").add("female");
        d.put("creator", "bob");
        d.put("character_version", "1.2");
        ObjectNode ext = d.putObject("extensions");
        ext.put("talkativeness", "0.6");
        ext.put("fav", false);
        ext.put("world", "Fog Isle");
        ext.putObject("depth_prompt").put("prompt", "{{char}} hides a secret.").put("depth", 4).put("role", "system");
        ext.putObject("chub").put("id", 123456).put("full_path", "bob/lin-wu").putArray("related_lorebooks");
        ext.putObject("x_unknown_vendor").putObject("nested").putArray("deep").add(1).add("two").addObject().put("three", 3.5);
        return root;
    }

    /** A SillyTavern-style embedded lorebook. */
    public static ObjectNode book() {
        ObjectNode book = JSON.createObjectNode();
        book.put("name", "Fog Isle lore");
        book.put("description", "");
        book.put("scan_depth", 4);
        book.put("token_budget", 512);
        book.put("recursive_scanning", true);
        book.putObject("extensions");
        ArrayNode entries = book.putArray("entries");
        ObjectNode e = entries.addObject();
        e.put("id", 7);
        e.putArray("keys").add("灯塔").add("lighthouse");
        e.putArray("secondary_keys").add("night");
        e.put("comment", "lighthouse");
        e.put("content", "The lighthouse on 雾岛 has been dark for ten years.");
        e.put("constant", false);
        e.put("selective", true);
        e.put("insertion_order", 100);
        e.put("enabled", true);
        e.put("position", "after_char");
        e.put("use_regex", false);
        ObjectNode x = e.putObject("extensions");
        x.put("position", 4);
        x.put("depth", 2);
        x.put("role", 0);
        x.put("selectiveLogic", 2);
        x.put("probability", 80);
        x.put("useProbability", true);
        x.put("exclude_recursion", false);
        x.put("prevent_recursion", true);
        x.put("vectorized", false);
        return book;
    }

    /** A V3 card with every V3 field. */
    public static ObjectNode v3(String name) {
        ObjectNode root = v2(name);
        root.put("spec", "chara_card_v3");
        root.put("spec_version", "3.0");
        ObjectNode d = (ObjectNode) root.get("data");
        d.put("nickname", "Lin");
        d.putObject("creator_notes_multilingual").put("en", "Best with slow pacing.").put("zh", "慢节奏最佳");
        d.putArray("source").add("https://example.org/cards/lin-wu");
        d.putArray("group_only_greetings").add("Hello, everyone.");
        d.put("creation_date", 1_700_000_000L);
        d.put("modification_date", 1_710_000_000L);
        ArrayNode assets = d.putArray("assets");
        assets.addObject().put("type", "icon").put("uri", "ccdefault:").put("name", "main").put("ext", "png");
        return root;
    }

    /** A V3 card for a CHARX archive: icon, emotion and background assets embedded in the archive. */
    public static ObjectNode v3ForCharx(String name) {
        ObjectNode root = v3(name);
        ArrayNode assets = ((ObjectNode) root.get("data")).putArray("assets");
        assets.addObject().put("type", "icon").put("uri", "embeded://assets/icon/images/main.png").put("name", "main").put("ext", "png");
        assets.addObject().put("type", "emotion").put("uri", "embeded://assets/emotion/images/happy.png").put("name", "happy")
            .put("ext", "png");
        assets.addObject().put("type", "background").put("uri", "https://example.org/bg.jpg").put("name", "bg").put("ext", "jpg");
        return root;
    }

    public static byte[] plainPng(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, 0xFF000000 | (x * 16) << 16 | (y * 16) << 8 | 0x80);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** A PNG card with the given tEXt chunks (keyword to JSON), base64 as the spec says, inserted before IEND. */
    public static byte[] png(Map<String, ObjectNode> cards) {
        return withChunks(PngChunks.read(plainPng(16, 16)), cards);
    }

    /** An APNG card: two frames (acTL, fcTL, IDAT, fcTL, fdAT) plus the card chunks. */
    public static byte[] apng(Map<String, ObjectNode> cards) {
        List<PngChunks.Chunk> base = PngChunks.read(plainPng(16, 16));
        List<PngChunks.Chunk> chunks = new ArrayList<>();
        byte[] idat = null;
        for (PngChunks.Chunk c : base) {
            if ("IHDR".equals(c.type())) {
                chunks.add(c);
                chunks.add(new PngChunks.Chunk("acTL", ByteBuffer.allocate(8).putInt(2).putInt(0).array()));
            } else if ("IDAT".equals(c.type())) {
                chunks.add(new PngChunks.Chunk("fcTL", fctl(0)));
                chunks.add(c);
                idat = c.data();
            } else if ("IEND".equals(c.type())) {
                chunks.add(new PngChunks.Chunk("fcTL", fctl(1)));
                chunks.add(new PngChunks.Chunk("fdAT", ByteBuffer.allocate(4 + idat.length).putInt(2).put(idat).array()));
                chunks.add(c);
            } else {
                chunks.add(c);
            }
        }
        return withChunks(chunks, cards);
    }

    private static byte[] fctl(int seq) {
        return ByteBuffer.allocate(26).putInt(seq == 0 ? 0 : 1).putInt(16).putInt(16).putInt(0).putInt(0).putShort((short) 1)
            .putShort((short) 2).put((byte) 0).put((byte) 0).array();
    }

    private static byte[] withChunks(List<PngChunks.Chunk> chunks, Map<String, ObjectNode> cards) {
        List<PngChunks.Chunk> out = new ArrayList<>();
        for (PngChunks.Chunk c : chunks) {
            if ("IEND".equals(c.type())) {
                cards.forEach((keyword, card) -> out.add(PngChunks.text(keyword,
                    Base64.getEncoder().encodeToString(card.toString().getBytes(StandardCharsets.UTF_8)))));
            }
            out.add(c);
        }
        return PngChunks.write(out);
    }

    /** A CHARX archive: card.json, the embedded assets and a RisuAI-style x_meta file. */
    public static byte[] charx(ObjectNode card, Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("card.json"));
            zip.write(card.toString().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(f.getKey()));
                zip.write(f.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    public static Map<String, byte[]> charxFiles() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("assets/icon/images/main.png", plainPng(12, 12));
        files.put("assets/emotion/images/happy.png", plainPng(6, 6));
        files.put("x_meta/main.json", "{\"type\":\"png\"}".getBytes(StandardCharsets.UTF_8));
        return files;
    }

    /** The entries of a zip, by name. */
    public static Map<String, byte[]> unzip(byte[] zipBytes) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new java.io.ByteArrayInputStream(zipBytes))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        }
        return entries;
    }

    /** The tEXt chunks of a PNG, keyword to decoded JSON text. */
    public static Map<String, String> cardChunks(byte[] png) {
        Map<String, String> result = new LinkedHashMap<>();
        for (PngChunks.Chunk c : PngChunks.read(png)) {
            if (c.textKeyword() != null) {
                result.put(c.textKeyword(), new String(Base64.getDecoder().decode(c.text()), StandardCharsets.UTF_8));
            }
        }
        return result;
    }
}
