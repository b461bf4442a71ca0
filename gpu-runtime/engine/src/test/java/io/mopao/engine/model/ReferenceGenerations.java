package io.mopao.engine.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads stories260K-reference-greedy.jsonl (only the fields the tests need, without a JSON library). */
public record ReferenceGenerations(String prompt, int[] promptTokenIds, int[] generatedTokenIds, String text) {

    public static List<ReferenceGenerations> read(Path jsonl) {
        try {
            List<ReferenceGenerations> out = new ArrayList<>();
            for (String line : Files.readAllLines(jsonl)) {
                if (!line.isBlank()) {
                    out.add(new ReferenceGenerations(string(line, "prompt"), ints(line, "prompt_token_ids"),
                            ints(line, "generated_token_ids"), string(line, "text")));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] ints(String line, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(line);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + key);
        }
        return Arrays.stream(m.group(1).split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }

    private static String string(String line, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(line);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + key);
        }
        return m.group(1).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
    }
}
