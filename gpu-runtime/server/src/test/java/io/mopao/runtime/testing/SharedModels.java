package io.mopao.runtime.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the shared test models: {@code $MOPAO_SHARED_DIR/models}, else {@code ../shared/models} from the repo root. */
public final class SharedModels {
    private SharedModels() {
    }

    /**
     * @param file a file name under models/
     * @return its path; fails the test (never skips) when it is missing
     */
    public static Path require(String file) {
        Path p = dir().resolve(file);
        if (!Files.isRegularFile(p)) {
            // a failure, never a skip: a skipped worker test would hide that the feature went untested
            fail(file + " not found in " + dir() + " (set MOPAO_SHARED_DIR to the folder that holds models/)");
        }
        return p;
    }

    static Path dir() {
        String env = System.getenv("MOPAO_SHARED_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env).resolve("models");
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw"))) {
                return p.resolve("../shared/models").normalize();
            }
        }
        return Path.of("../shared/models").toAbsolutePath().normalize();
    }
}
