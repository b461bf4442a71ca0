package io.mopao.engine.model;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Finds the shared test models: {@code $MOPAO_SHARED_DIR/models}, else {@code ../shared/models} from the repo root. */
public final class SharedModels {
    private SharedModels() {
    }

    /** The path of a shared model file; fails under CI=true when it is missing, otherwise skips with the reason. */
    public static Path require(String file) {
        Path dir = dir();
        Path p = dir.resolve(file);
        if (!Files.isRegularFile(p)) {
            String why = file + " not found in " + dir + " (set MOPAO_SHARED_DIR to the folder that holds models/)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why);
            }
            assumeTrue(false, why);
        }
        return p;
    }

    static Path dir() {
        String env = System.getenv("MOPAO_SHARED_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env).resolve("models");
        }
        Path cwd = Path.of("").toAbsolutePath();
        // surefire runs in the module folder (gpu-runtime/engine); the repo root is two levels up
        for (Path p = cwd; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw"))) {
                return p.resolve("../shared/models").normalize();
            }
        }
        return cwd.resolve("../shared/models").normalize();
    }
}
