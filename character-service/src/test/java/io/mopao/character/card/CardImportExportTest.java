package io.mopao.character.card;

import static io.mopao.character.Api.as;
import static io.mopao.character.Api.unique;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mopao.character.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** Card import and export through the API: lossless round trips and hostile files. */
@QuarkusTest
class CardImportExportTest {

    private static Response importCard(byte[] file, String contentType) {
        return as("bob").contentType(contentType).body(file).post("/characters/import");
    }

    private static String imported(byte[] file, String contentType) {
        return importCard(file, contentType).then().statusCode(201).extract().path("id");
    }

    private static byte[] export(String id, String format, String spec) {
        return as("bob").queryParam("format", format).queryParam("spec", spec).get("/characters/" + id + "/export")
            .then().statusCode(200).extract().asByteArray();
    }

    private static JsonNode content(String id) throws Exception {
        JsonNode view = Api.JSON.readTree(as("bob").get("/characters/" + id).then().statusCode(200).extract().asString());
        return view.get("content");
    }

    private static JsonNode tree(byte[] json) throws Exception {
        return TestCards.JSON.readTree(json);
    }

    @Test
    void v1JsonImportsAndExportsAsV2WithTheSameFields() throws Exception {
        ObjectNode v1 = TestCards.v1(unique("Captain"));
        String id = imported(v1.toString().getBytes(StandardCharsets.UTF_8), "application/json");
        JsonNode v2 = tree(export(id, "json", "v2"));
        assertEquals("chara_card_v2", v2.get("spec").asText());
        for (String field : List.of("name", "description", "personality", "scenario", "first_mes", "mes_example")) {
            assertEquals(v1.get(field), v2.get("data").get(field), field);
            assertEquals(v1.get(field), v2.get(field), "V1 mirror of " + field);
        }
        String again = imported(export(id, "json", "v2"), "application/json");
        assertEquals(content(id), content(again));
    }

    @Test
    void v2JsonRoundTripKeepsEveryFieldAndUnknownExtensions() throws Exception {
        ObjectNode card = TestCards.v2(unique("Lin Wu 林雾"));
        String id = imported(card.toString().getBytes(StandardCharsets.UTF_8), "application/json");
        as("bob").get("/characters/" + id).then().body("content.visibility", equalTo("private"))
            .body("content.extensions.x_unknown_vendor.nested.deep[2].three", equalTo(3.5f));
        JsonNode exported = tree(export(id, "json", "v2"));
        assertEquals(TestCards.JSON.readTree(card.toString()).get("data"), exported.get("data"),
            "the V2 data object survives byte-for-byte in meaning");
        String again = imported(export(id, "json", "v2"), "application/json");
        assertEquals(content(id), content(again));
    }

    @Test
    void v3JsonRoundTripKeepsEveryFieldIncludingAssetsAndDates() throws Exception {
        ObjectNode card = TestCards.v3(unique("Lin Wu 林雾"));
        String id = imported(card.toString().getBytes(StandardCharsets.UTF_8), "application/json");
        JsonNode exported = tree(export(id, "json", "v3"));
        assertEquals("chara_card_v3", exported.get("spec").asText());
        assertEquals("3.0", exported.get("spec_version").asText());
        ObjectNode expected = (ObjectNode) TestCards.JSON.readTree(card.toString()).get("data");
        ObjectNode actual = ((ObjectNode) exported.get("data")).deepCopy();
        assertTrue(actual.get("modification_date").asLong() > 1_710_000_000L, "modification date is the last change");
        expected.remove("modification_date");
        actual.remove("modification_date");
        assertEquals(expected, actual);
        String again = imported(export(id, "json", "v3"), "application/json");
        assertEquals(content(id), content(again));
    }

    @Test
    void pngPrefersCcv3AndExportWritesBothChunks() throws Exception {
        String name = unique("Lin Wu");
        ObjectNode v3 = TestCards.v3(name);
        ObjectNode v2 = TestCards.v2(name + " (old V2 copy)");
        byte[] png = TestCards.png(new LinkedHashMap<>(Map.of("chara", v2, "ccv3", v3)));
        String id = importCard(png, "image/png").then().statusCode(201).body("content.name", equalTo(name))
            .body("content.nickname", equalTo("Lin")).body("avatarUrl", notNullValue()).extract().path("id");
        byte[] avatar = as("bob").get("/characters/" + id + "/avatar").then().statusCode(200).extract().asByteArray();
        assertTrue(TestCards.cardChunks(avatar).isEmpty(), "the stored avatar has no card chunks");

        byte[] exported = export(id, "png", "v3");
        Map<String, String> chunks = TestCards.cardChunks(exported);
        assertEquals(List.of("chara", "ccv3"), List.copyOf(chunks.keySet()));
        assertEquals("chara_card_v2", TestCards.JSON.readTree(chunks.get("chara")).get("spec").asText());
        JsonNode ccv3 = TestCards.JSON.readTree(chunks.get("ccv3"));
        assertEquals("chara_card_v3", ccv3.get("spec").asText());
        assertEquals(v3.get("data").get("extensions"), ccv3.get("data").get("extensions"));
        String again = imported(exported, "image/png");
        assertEquals(content(id), content(again));
    }

    @Test
    void pngWithOnlyACharaChunkImportsAsV2() throws Exception {
        String name = unique("Only V2");
        byte[] png = TestCards.png(Map.of("chara", TestCards.v2(name)));
        importCard(png, "image/png").then().statusCode(201).body("content.name", equalTo(name));
    }

    @Test
    void apngKeepsItsAnimationAndRoundTrips() throws Exception {
        String name = unique("Animated");
        byte[] apng = TestCards.apng(Map.of("ccv3", TestCards.v3(name)));
        String id = imported(apng, "image/apng");
        as("bob").get("/characters/" + id + "/versions").then().body("[0].change", equalTo("imported (apng, V3)"));
        byte[] exported = export(id, "png", "v3");
        assertTrue(PngChunks.read(exported).stream().anyMatch(c -> "acTL".equals(c.type())), "still animated");
        String again = imported(exported, "image/png");
        assertEquals(content(id), content(again));
    }

    @Test
    void charxRoundTripKeepsCardAndEveryAsset() throws Exception {
        ObjectNode card = TestCards.v3ForCharx(unique("Charx"));
        Map<String, byte[]> files = TestCards.charxFiles();
        String id = importCard(TestCards.charx(card, files), "application/zip").then().statusCode(201)
            .body("avatarUrl", notNullValue()).extract().path("id");
        byte[] avatar = as("bob").get("/characters/" + id + "/avatar").then().statusCode(200).extract().asByteArray();
        assertArrayEquals(files.get("assets/icon/images/main.png"), avatar, "the main icon becomes the avatar");

        Map<String, byte[]> exported = TestCards.unzip(export(id, "charx", "v3"));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            assertArrayEquals(f.getValue(), exported.get(f.getKey()), f.getKey());
        }
        JsonNode exportedCard = TestCards.JSON.readTree(exported.get("card.json"));
        assertEquals(card.get("data").get("assets"), exportedCard.get("data").get("assets"));
        String again = imported(export(id, "charx", "v3"), "application/zip");
        assertEquals(content(id), content(again));
    }

    @Test
    void exportOfAnotherUsersPrivateCharacterIsNotFound() {
        String id = imported(TestCards.v2(unique("Private")).toString().getBytes(StandardCharsets.UTF_8), "application/json");
        as("alice").get("/characters/" + id + "/export").then().statusCode(404);
        as(null).get("/characters/" + id + "/export").then().statusCode(404);
    }

    // ---- hostile inputs: a 4xx that names the problem, and nothing stored ----

    private static void rejected(byte[] file, String contentType, int status, String messagePart) {
        long before = Api.mineTotal("bob");
        importCard(file, contentType).then().statusCode(status).body("message", containsString(messagePart))
            .body("status", equalTo(status));
        assertEquals(before, Api.mineTotal("bob"), "nothing stored");
    }

    @Test
    void rejectsTruncatedPng() {
        byte[] png = TestCards.png(Map.of("ccv3", TestCards.v3(unique("Cut"))));
        byte[] cut = java.util.Arrays.copyOf(png, png.length - 20);
        rejected(cut, "image/png", 400, "truncated");
    }

    @Test
    void rejectsPngWithAWrongCrc() {
        byte[] png = TestCards.png(Map.of("ccv3", TestCards.v3(unique("Crc"))));
        png[png.length - 13] ^= 0x55;
        rejected(png, "image/png", 400, "bad CRC");
    }

    @Test
    void rejectsAChunkDeclaring50Megabytes() {
        byte[] png = TestCards.plainPng(4, 4);
        // after the signature and IHDR (8 + 25 bytes): a tEXt chunk header that claims 50 MB
        byte[] hostile = new byte[33 + 12 + 100];
        System.arraycopy(png, 0, hostile, 0, 33);
        int len = 50 * 1024 * 1024;
        hostile[33] = (byte) (len >>> 24);
        hostile[34] = (byte) (len >>> 16);
        hostile[35] = (byte) (len >>> 8);
        hostile[36] = (byte) len;
        System.arraycopy("tEXt".getBytes(StandardCharsets.US_ASCII), 0, hostile, 37, 4);
        rejected(hostile, "image/png", 400, "declares 52428800 bytes");
    }

    @Test
    void rejectsACardFileOverTheImportLimit() {
        byte[] png = TestCards.plainPng(4, 4);
        byte[] big = new byte[20 * 1024 * 1024 + 1];
        System.arraycopy(png, 0, big, 0, png.length);
        rejected(big, "image/png", 413, "limit is 20971520 bytes");
    }

    @Test
    void rejectsAZipBomb() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("card.json"));
            zip.write(TestCards.v3(unique("Bomb")).toString().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("assets/other/zeros.bin"));
            byte[] zeros = new byte[1024 * 1024];
            for (int i = 0; i < 60; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        assertTrue(out.size() < 1024 * 1024, "the archive itself is small");
        rejected(out.toByteArray(), "application/zip", 413, "zip bomb");
    }

    @Test
    void rejectsDeeplyNestedJson() {
        String deep = "{\"spec\":\"chara_card_v2\",\"data\":{\"name\":\"Deep\",\"extensions\":{\"x\":" + "[".repeat(5000)
            + "]".repeat(5000) + "}}}";
        rejected(deep.getBytes(StandardCharsets.UTF_8), "application/json", 400, "nests deeper than 64 levels");
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] prefix = "{\"spec\":\"chara_card_v2\",\"data\":{\"name\":\"Bad ".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "\"}}".getBytes(StandardCharsets.UTF_8);
        byte[] bad = new byte[prefix.length + 2 + suffix.length];
        System.arraycopy(prefix, 0, bad, 0, prefix.length);
        bad[prefix.length] = (byte) 0xC3;
        bad[prefix.length + 1] = (byte) 0x28;
        System.arraycopy(suffix, 0, bad, prefix.length + 2, suffix.length);
        rejected(bad, "application/json", 400, "not valid UTF-8");
    }

    @Test
    void rejectsACardWithoutName() {
        ObjectNode card = TestCards.v3("x");
        ((ObjectNode) card.get("data")).remove("name");
        rejected(card.toString().getBytes(StandardCharsets.UTF_8), "application/json", 400, "card has no name");
        ObjectNode png = TestCards.v2("x");
        ((ObjectNode) png.get("data")).put("name", "  ");
        rejected(TestCards.png(Map.of("chara", png)), "image/png", 400, "card has no name");
    }

    @Test
    void rejectsACreationDateOutsideTheYears1970To9999() {
        for (String date : List.of("9000000000000000000", "9e18", "1e999", "99999999999999999999", "-1")) {
            String card = TestCards.v3(unique("Dated")).toString().replace("\"creation_date\":1700000000",
                "\"creation_date\":" + date);
            assertTrue(card.contains("\"creation_date\":" + date), card);
            rejected(card.getBytes(StandardCharsets.UTF_8), "application/json", 400,
                "data.creation_date must be Unix seconds from 0 (1970-01-01) to 253402300799");
        }
    }

    @Test
    void readsACreationDateInMillisecondsAsSomeCardToolsWriteIt() {
        String card = TestCards.v3(unique("Millis")).toString().replace("\"creation_date\":1700000000",
            "\"creation_date\":1700000000123");
        String id = imported(card.getBytes(StandardCharsets.UTF_8), "application/json");
        as("bob").get("/characters/" + id).then().statusCode(200).body("content.creationDate", equalTo(1700000000));
    }

    @Test
    void rejectsPngWithoutCardDataAndUnknownFiles() {
        rejected(TestCards.plainPng(4, 4), "image/png", 400, "no character data");
        rejected("GIF89a not a card".getBytes(StandardCharsets.US_ASCII), "image/gif", 415, "unrecognised card file");
        rejected(TestCards.charx(TestCards.v3ForCharx(unique("Missing")), Map.of()), "application/zip", 400, "is not in the archive");
    }

    @Test
    void importNeedsTheCreatorRole() {
        as("alice").contentType("application/json").body(TestCards.v2(unique("No")).toString()).post("/characters/import")
            .then().statusCode(403);
        as(null).contentType("application/json").body(TestCards.v2(unique("No")).toString()).post("/characters/import")
            .then().statusCode(401);
    }

    static JsonPath json(Response r) {
        return r.then().extract().jsonPath();
    }
}
