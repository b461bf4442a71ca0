package io.mopao.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The interface is complete in English and Simplified Chinese: same keys, and every key the app uses exists. */
class MessageBundlesTest {

    private static final Path WEB = Path.of("src/main/resources/META-INF/resources");
    private static final Pattern USED = Pattern.compile("\\bt\\('([a-zA-Z0-9.]+)'");

    private static Map<String, String> bundle(String lang) throws IOException {
        Map<String, String> m = new HashMap<>();
        new JsonObject(Files.readString(WEB.resolve("i18n/" + lang + ".json"))).forEach(e -> m.put(e.getKey(), (String) e.getValue()));
        return m;
    }

    @Test
    void chineseAndEnglishHaveTheSameKeys() throws IOException {
        assertEquals(new TreeSet<>(bundle("en").keySet()), new TreeSet<>(bundle("zh-CN").keySet()));
    }

    @Test
    void everyKeyTheAppUsesIsTranslated() throws IOException {
        Set<String> en = bundle("en").keySet();
        Set<String> zh = bundle("zh-CN").keySet();
        Set<String> missing = new TreeSet<>();
        try (Stream<Path> files = Files.walk(WEB.resolve("app"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".js")).toList()) {
                Matcher m = USED.matcher(Files.readString(f));
                while (m.find()) {
                    if (!en.contains(m.group(1)) || !zh.contains(m.group(1))) {
                        missing.add(f.getFileName() + ": " + m.group(1));
                    }
                }
            }
        }
        assertTrue(missing.isEmpty(), "untranslated keys: " + missing);
    }

    @Test
    void chineseBundleIsActuallyChinese() throws IOException {
        assertEquals("开始聊天", bundle("zh-CN").get("character.start"));
        Map<String, String> en = bundle("en");
        long untranslated = bundle("zh-CN").entrySet().stream().filter(e -> e.getValue().equals(en.get(e.getKey()))).count();
        assertTrue(untranslated < 3, untranslated + " Chinese messages are the same as the English ones");
    }
}
