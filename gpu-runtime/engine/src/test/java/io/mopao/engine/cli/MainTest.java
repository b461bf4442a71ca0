package io.mopao.engine.cli;

import io.mopao.engine.gguf.GgmlType;
import io.mopao.engine.model.ReferenceGenerations;
import io.mopao.engine.model.SharedModels;
import io.mopao.engine.model.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static int[] ints(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\\[([^\\]]*)\\]").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return m.group(1).isEmpty() ? new int[0] : Arrays.stream(m.group(1).split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void generateJsonReproducesTheReferenceGreedyTokens() {
        Path model = SharedModels.require("stories260K.gguf");
        for (ReferenceGenerations ref : ReferenceGenerations.read(SharedModels.require("stories260K-reference-greedy.jsonl"))) {
            Result r = run("generate", "--model", model.toString(), "--prompt", ref.prompt(), "--temperature", "0",
                    "--max-tokens", String.valueOf(ref.generatedTokenIds().length), "--threads", "2", "--json");
            assertEquals(0, r.status(), r.err());
            String json = r.out().strip();
            assertEquals(1, json.lines().count(), "one JSON object: " + json);
            assertArrayEquals(ref.promptTokenIds(), ints(json, "prompt_token_ids"));
            assertArrayEquals(ref.generatedTokenIds(), ints(json, "token_ids"));
            StringBuilder text = new StringBuilder("\"text\":");
            Json.quote(text, ref.text());
            assertTrue(json.contains(text), json);
            assertTrue(number(json, "gen_tokens_per_s") > 0);
        }
    }

    @Test
    void generateWithTheSameSeedIsDeterministic() {
        Path model = SharedModels.require("stories260K.gguf");
        String[] args = {"generate", "--model", model.toString(), "--prompt", "The cat", "--temperature", "0.9", "--top-p", "0.9",
            "--seed", "7", "--max-tokens", "24", "--threads", "1", "--json"};
        int[] a = ints(run(args).out(), "token_ids");
        int[] b = ints(run(args).out(), "token_ids");
        assertArrayEquals(a, b);
        assertTrue(a.length > 0);
    }

    @Test
    void benchJsonReportsPromptAndGenerationRates() {
        Path model = TinyModels.write(dir.resolve("m.gguf"), TinyModels.Spec.of("llama", GgmlType.Q8_0, false));
        Result r = run("bench", "--model", model.toString(), "--threads", "2", "--prompt-tokens", "8", "--gen-tokens", "4",
                "--repeats", "3", "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(number(r.out(), "prompt_tokens_per_s") > 0, r.out());
        assertTrue(number(r.out(), "gen_tokens_per_s") > 0, r.out());
    }

    @Test
    void truncatedModelGivesOneLineErrorAndExitOne() throws IOException {
        Path good = TinyModels.write(dir.resolve("good.gguf"), TinyModels.Spec.of("llama", GgmlType.F32, true));
        byte[] bytes = Files.readAllBytes(good);
        Path bad = dir.resolve("bad.gguf");
        Files.write(bad, Arrays.copyOf(bytes, bytes.length - 5000));
        for (String cmd : new String[] {"generate", "bench"}) {
            Result r = cmd.equals("generate") ? run(cmd, "--model", bad.toString(), "--prompt", "hi") : run(cmd, "--model", bad.toString());
            assertEquals(1, r.status());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            String oneLine = "error: truncated GGUF: tensor data for '[a-z0-9_.]+' ends at byte \\d+ but file has \\d+\\R";
            assertTrue(r.err().matches(oneLine), r.err());
        }
        Result missing = run("bench", "--model", dir.resolve("none.gguf").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().startsWith("error: GGUF file not found"), missing.err());
    }

    @Test
    void badUsageExitsTwoWithTheReason() {
        assertEquals("error: unknown option '--bogus'", run("bench", "--model", "x", "--bogus").err().strip());
        assertEquals(2, run("bench", "--model", "x", "--bogus").status());
        assertEquals("error: missing required option --model", run("generate", "--prompt", "x").err().strip());
        assertEquals("error: --threads must be at least 1, got 0", run("bench", "--model", "x", "--threads", "0").err().strip());
        assertEquals(2, run("frobnicate").status());
    }
}
