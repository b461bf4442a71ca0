package io.mopao.engine.serving;

import io.mopao.engine.model.Model;
import io.mopao.engine.model.ModelOptions;
import io.mopao.engine.serving.bench.SyntheticModel;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The serving tests' tiny model: {@link SyntheticModel#tiny()} written to a temporary GGUF file and loaded with 2
 * threads before a test class's tests, closed and deleted after them. Register it as a static field:
 * <pre>
 * &#64;RegisterExtension
 * static final TinyModelFixture TINY = new TinyModelFixture();
 * </pre>
 */
final class TinyModelFixture implements BeforeAllCallback, AfterAllCallback {
    private Path dir;
    private Model model;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("mopao-tiny-model");
        model = Model.load(SyntheticModel.tiny().write(dir.resolve("tiny.gguf")), ModelOptions.defaults().withThreads(2));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (model != null) {
                model.close();
            }
        } finally {
            model = null;
            Files.deleteIfExists(dir.resolve("tiny.gguf"));
            Files.deleteIfExists(dir);
        }
    }

    /** @return the loaded model (only during the test class) */
    Model model() {
        if (model == null) {
            throw new IllegalStateException("the tiny model is loaded only while its test class runs (register the fixture"
                    + " with @RegisterExtension on a static field)");
        }
        return model;
    }
}
