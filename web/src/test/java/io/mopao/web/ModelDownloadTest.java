package io.mopao.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model download of {@code ./mopao up} (web/mopao.d/model.sh), run by bash against a local HTTP server. */
class ModelDownloadTest {

    private static final Path SCRIPT = Path.of("mopao.d/model.sh").toAbsolutePath();

    @TempDir
    Path dir;

    private HttpServer server;
    private final byte[] model = new byte[300_000];

    record Run(int exit, String output) {
    }

    @BeforeEach
    void serve() throws IOException {
        for (int i = 0; i < model.length; i++) {
            model[i] = (byte) (i * 31 + 7);
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/models/tiny.gguf", ex -> {
            ex.sendResponseHeaders(200, model.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(model);
            }
        });
        server.createContext("/models/missing.gguf", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private Run bash(String script) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "source '" + SCRIPT + "'; " + script).redirectErrorStream(true);
        pb.environment().put("MOPAO_CACHE_DIR", dir.resolve("cache").toString());
        pb.environment().remove("MOPAO_MODEL");
        pb.environment().remove("MOPAO_DEFAULT_MODEL_URL");
        pb.environment().remove("MOPAO_DEFAULT_MODEL_SHA256");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bash did not finish");
        return new Run(p.exitValue(), out);
    }

    private String sha256() throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model));
    }

    @Test
    void downloadsAndChecksTheSha256() throws Exception {
        Path dest = dir.resolve("m/tiny.gguf");
        Run r = bash("model_download '" + url("/models/tiny.gguf") + "' " + sha256().toUpperCase() + " '" + dest + "'");
        assertEquals(0, r.exit(), r.output());
        assertArrayEquals(model, Files.readAllBytes(dest));
        assertFalse(Files.exists(dir.resolve("m/tiny.gguf.part")));
    }

    @Test
    void deletesADownloadWithTheWrongSha256() throws Exception {
        Path dest = dir.resolve("m/tiny.gguf");
        Run r = bash("model_download '" + url("/models/tiny.gguf") + "' " + "0".repeat(64) + " '" + dest + "'");
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("SHA-256"), r.output());
        assertFalse(Files.exists(dest));
        assertFalse(Files.exists(dir.resolve("m/tiny.gguf.part")));
    }

    @Test
    void startsOverWhenTheServerCannotResume() throws Exception {
        Path dest = dir.resolve("m/tiny.gguf");
        Files.createDirectories(dest.getParent());
        Files.write(dir.resolve("m/tiny.gguf.part"), java.util.Arrays.copyOf(model, 1000));
        Run r = bash("model_download '" + url("/models/tiny.gguf") + "' " + sha256() + " '" + dest + "'");
        // the little server ignores Range: the download starts over and still ends with the right bytes
        assertEquals(0, r.exit(), r.output());
        assertArrayEquals(model, Files.readAllBytes(dest));
    }

    @Test
    void explainsHowToPassAModelWhenTheNetworkIsUnreachable() throws Exception {
        Run r = bash("model_download 'http://127.0.0.1:1/models/x.gguf' " + "0".repeat(64) + " '" + dir.resolve("x.gguf") + "'");
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("cannot reach"), r.output());
        assertTrue(r.output().contains("--model"), r.output());
    }

    @Test
    void saysWhenTheServerRefuses() throws Exception {
        Run r = bash("model_download '" + url("/models/missing.gguf") + "' " + "0".repeat(64) + " '" + dir.resolve("x.gguf") + "'");
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("--model"), r.output());
    }

    @Test
    void resolvesAGivenPathOrRefusesAMissingOne() throws Exception {
        Path given = Files.write(dir.resolve("given.gguf"), model);
        Run ok = bash("model_resolve '" + given + "'");
        assertEquals(0, ok.exit(), ok.output());
        assertEquals(given.toRealPath().toString(), ok.output().strip());
        Run missing = bash("model_resolve '" + dir.resolve("nope.gguf") + "'");
        assertEquals(1, missing.exit());
        assertTrue(missing.output().contains("not found"), missing.output());
    }

    @Test
    void downloadsThePinnedDefaultOnceIntoTheCache() throws Exception {
        String env = "MOPAO_DEFAULT_MODEL_URL='" + url("/models/tiny.gguf") + "' MOPAO_DEFAULT_MODEL_SHA256=" + sha256() + " ";
        Run first = bash(env + "model_resolve");
        assertEquals(0, first.exit(), first.output());
        List<String> lines = first.output().strip().lines().toList();
        Path file = Path.of(lines.get(lines.size() - 1));
        assertEquals(dir.resolve("cache/models/tiny.gguf"), file);
        assertArrayEquals(model, Files.readAllBytes(file));
        server.stop(0);
        Run second = bash(env + "model_resolve");
        assertEquals(0, second.exit(), second.output());
        assertEquals(file.toString(), second.output().strip());
    }

    @Test
    void refusesAnUnpinnedDefault() throws Exception {
        Run r = bash("MOPAO_DEFAULT_MODEL_SHA256= model_resolve");
        assertEquals(1, r.exit());
        assertTrue(r.output().contains("--model"), r.output());
        Run malformed = bash("MOPAO_DEFAULT_MODEL_URL='" + url("/models/tiny.gguf") + "' MOPAO_DEFAULT_MODEL_SHA256=abc123 model_resolve");
        assertEquals(1, malformed.exit(), malformed.output());
        assertTrue(malformed.output().contains("not pinned"), malformed.output());
        assertFalse(Files.exists(dir.resolve("cache/models/tiny.gguf")));
    }

    @Test
    void pinsTheDefaultModelByCommitUrlAndSha256() throws Exception {
        Run r = bash("printf '%s\\n%s\\n' \"$MOPAO_DEFAULT_MODEL_URL\" \"$MOPAO_DEFAULT_MODEL_SHA256\"");
        assertEquals(0, r.exit(), r.output());
        List<String> pin = r.output().strip().lines().toList();
        assertTrue(pin.get(0).matches("https://huggingface\\.co/[^/]+/[^/]+/resolve/[0-9a-f]{40}/[^/]+\\.gguf"),
            "the default model URL names one commit: " + pin.get(0));
        assertTrue(pin.get(1).matches("[0-9a-f]{64}"), "the default model's SHA-256 is pinned: " + pin.get(1));
    }

    @Test
    void theDefaultModelSaysHowToPassAModelWhenTheNetworkIsUnreachable() throws Exception {
        Run r = bash("MOPAO_DEFAULT_MODEL_URL='http://127.0.0.1:1/models/default.gguf' model_resolve");
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("cannot reach"), r.output());
        assertTrue(r.output().contains("./mopao up --model"), r.output());
        assertFalse(Files.exists(dir.resolve("cache/models/default.gguf")));
    }
}
