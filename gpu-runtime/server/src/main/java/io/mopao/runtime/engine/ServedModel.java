package io.mopao.runtime.engine;

import io.mopao.engine.chat.ChatTemplate;
import io.mopao.engine.model.Model;
import io.mopao.engine.serving.Engine;
import io.mopao.engine.tokenizer.Tokenizer;

/**
 * One model this process serves: weights, tokenizer, chat template and the serving engine that batches every request
 * for it (Kafka turns and HTTP calls alike).
 *
 * @param name     the name requests use
 * @param model    the loaded model
 * @param tokenizer its tokenizer
 * @param template its chat template (role-play text when the model declares none)
 * @param engine   its serving engine (one inference thread)
 * @param backend  what runs its engine's batched step, e.g. {@code cpu(vector, 2 threads)} or {@code cuda(NVIDIA H200 (sm_90, ...))}
 */
public record ServedModel(String name, Model model, Tokenizer tokenizer, ChatTemplate template, Engine engine, String backend) {

    /** @return the most positions one sequence may reach */
    public int contextLength() {
        return engine.maxModelLen();
    }
}
