package io.mopao.engine.serving.runner;

/**
 * Builds the {@link StepRunner} of an engine once the engine has sized its KV pool and step. The engine knows only
 * this interface, so it runs on any backend: {@link #cpu()} here, the CUDA runner from the {@code mopao-cuda} module.
 */
@FunctionalInterface
public interface StepRunnerFactory {

    /**
     * @param spec the model, KV pool shape and step sizes
     * @return a runner for them
     */
    StepRunner create(RunnerSpec spec);

    /** @return the CPU runner ({@link ModelRunner} over a host {@link PagedKvStore}, Vector API attention) */
    static StepRunnerFactory cpu() {
        return spec -> new ModelRunner(spec.config(), spec.weights(), spec.backend(),
                new PagedKvStore(spec.kv(), spec.config().layers(), spec.config().kvDim()), spec.maxTokens(), spec.maxSeqs(),
                spec.maxPositions(), spec.threads(), true, spec.computeNice());
    }
}
