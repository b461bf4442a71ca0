package io.mopao.runtime.engine;

import io.mopao.cuda.Backends;
import io.mopao.cuda.select.BackendChoice;
import io.mopao.engine.chat.ChatTemplate;
import io.mopao.engine.chat.ChatTemplates;
import io.mopao.engine.model.Model;
import io.mopao.engine.model.ModelOptions;
import io.mopao.engine.serving.Engine;
import io.mopao.engine.serving.EngineConfig;
import io.mopao.engine.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/** The models this process serves, each with its own serving engine; loaded at start, closed at shutdown. */
public final class ModelRegistry implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);

    private final Map<String, ServedModel> models;
    private final BackendChoice backend;

    private ModelRegistry(Map<String, ServedModel> models, BackendChoice backend) {
        this.models = models;
        this.backend = backend;
    }

    /**
     * Loads every model and starts its engine on the CPU runner ({@code backend=cpu}).
     *
     * @param paths   model name to GGUF file
     * @param threads backend and attention threads per model
     * @param config  the engines' batching and caching
     * @return the registry
     */
    public static ModelRegistry load(Map<String, Path> paths, int threads, EngineConfig config) {
        return load(paths, threads, config, Backends.serving("cpu"));
    }

    /**
     * Loads every model and starts its engine; a model that fails to load fails the whole start (a worker never serves
     * a partial configuration silently).
     *
     * @param paths   model name to GGUF file
     * @param threads backend and attention threads per model
     * @param config  the engines' batching and caching
     * @param backend what runs every engine's batched step (CPU or CUDA runners) and why it was chosen
     * @return the registry
     */
    public static ModelRegistry load(Map<String, Path> paths, int threads, EngineConfig config, Backends.Serving backend) {
        return load(paths, threads, 0, config, backend);
    }

    /**
     * As {@link #load(Map, int, EngineConfig, Backends.Serving)}, with every engine's compute threads at nice value
     * {@code computeNice} ({@link io.mopao.engine.model.ModelOptions#computeNice()}).
     *
     * @param paths       model name to GGUF file
     * @param threads     backend and attention threads per model
     * @param computeNice nice value of the threads that run forward passes (0: normal priority)
     * @param config      the engines' batching and caching
     * @param backend     what runs every engine's batched step (CPU or CUDA runners) and why it was chosen
     * @return the registry
     */
    public static ModelRegistry load(Map<String, Path> paths, int threads, int computeNice, EngineConfig config,
                                     Backends.Serving backend) {
        ModelOptions options = ModelOptions.defaults().withThreads(threads).withComputeNice(computeNice);
        Map<String, ServedModel> loaded = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Path> e : paths.entrySet()) {
                loaded.put(e.getKey(), loadOne(e.getKey(), e.getValue(), options, config, backend));
            }
        } catch (RuntimeException ex) {
            loaded.values().forEach(ModelRegistry::closeOne);
            throw ex;
        }
        return new ModelRegistry(Map.copyOf(loaded), backend.choice());
    }

    private static ServedModel loadOne(String name, Path path, ModelOptions options, EngineConfig config, Backends.Serving serving) {
        int threads = options.threads();
        Model model = Model.load(path, options);
        try {
            Tokenizer tokenizer = Tokenizer.fromGguf(model.metadata());
            ChatTemplate template = ChatTemplates.forMetadata(model.metadata());
            Engine engine = new Engine(model, tokenizer, config.withThreads(threads), serving.runners());
            String backend = engine.runnerName();
            LOG.infof("model %s loaded from %s: backend %s, chat template %s, context %d", name, path, backend, template.name(),
                engine.maxModelLen());
            return new ServedModel(name, model, tokenizer, template, engine, backend);
        } catch (RuntimeException e) {
            model.close();
            throw new IllegalStateException("model " + name + " (" + path + "): " + e.getMessage(), e);
        }
    }

    /** @return the start-up backend decision every engine here runs on */
    public BackendChoice backend() {
        return backend;
    }

    /**
     * @param name a model name
     * @return the model, if served here
     */
    public Optional<ServedModel> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(models.get(name));
    }

    /** @return every served model */
    public Collection<ServedModel> all() {
        return models.values();
    }

    /** @return the served names, sorted */
    public List<String> names() {
        List<String> names = new ArrayList<>(models.keySet());
        names.sort(null);
        return names;
    }

    private static void closeOne(ServedModel m) {
        m.engine().close();
        m.model().close();
    }

    /** Stops the engines (unfinished requests complete with an error) and unmaps the models. */
    @Override
    public void close() {
        models.values().forEach(ModelRegistry::closeOne);
    }
}
