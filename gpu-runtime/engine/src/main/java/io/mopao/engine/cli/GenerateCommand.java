package io.mopao.engine.cli;

import io.mopao.engine.chat.ChatMessage;
import io.mopao.engine.chat.ChatTemplate;
import io.mopao.engine.chat.ChatTemplates;
import io.mopao.engine.chat.RenderedPrompt;
import io.mopao.engine.model.Model;
import io.mopao.engine.model.ModelOptions;
import io.mopao.engine.model.State;
import io.mopao.engine.sampling.Sampler;
import io.mopao.engine.sampling.SamplingParams;
import io.mopao.engine.sampling.StopMatcher;
import io.mopao.engine.tokenizer.StreamDecoder;
import io.mopao.engine.tokenizer.Tokenizer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * {@code generate}: tokenises a prompt (optionally through the model's chat template), prefills it, then samples
 * until an end-of-generation token, a stop string, {@code --max-tokens} or the context end. Streams text to stdout,
 * or with {@code --json} prints one object at the end.
 */
final class GenerateCommand {
    static final String USAGE = "generate --model PATH --prompt TEXT [--chat] [--max-tokens N] [--temperature T] [--top-p P] [--seed S]"
            + " [--threads N] [--json]";

    private GenerateCommand() {
    }

    static int run(List<String> argv, PrintStream out) {
        Args a = Args.parse(argv, Set.of("--model", "--prompt", "--max-tokens", "--temperature", "--top-p", "--seed", "--threads"),
                Set.of("--chat", "--json"));
        Path path = Path.of(a.string("--model"));
        String prompt = a.string("--prompt");
        int maxTokens = a.integer("--max-tokens", 256, 1);
        float temperature = a.number("--temperature", 0.8f, 0f, 100f);
        float topP = a.number("--top-p", 0.95f, Float.MIN_VALUE, 1f);
        long seed = a.longValue("--seed", 42);
        int threads = a.integer("--threads", Runtime.getRuntime().availableProcessors(), 1);
        boolean json = a.flag("--json");

        long t0 = System.nanoTime();
        try (Model model = Model.load(path, ModelOptions.defaults().withThreads(threads))) {
            Tokenizer tok = Tokenizer.fromGguf(model.metadata());
            int[] promptIds;
            List<String> stops = List.of();
            Set<Integer> stopIds = Set.of();
            if (a.flag("--chat")) {
                ChatTemplate template = ChatTemplates.forMetadata(model.metadata(), true);
                RenderedPrompt rendered = template.render(List.of(ChatMessage.user(prompt)), true);
                promptIds = tok.encode(rendered.text(), tok.addBosByDefault(), true);
                stops = rendered.stopStrings();
                stopIds = Set.copyOf(Arrays.stream(rendered.stopTokenIds(tok)).boxed().toList());
            } else {
                promptIds = tok.encode(prompt, tok.addBosByDefault(), false);
            }
            if (promptIds.length == 0) {
                throw new Args.UsageException("the prompt encodes to no tokens");
            }
            int vocab = model.config().vocabSize();
            int[] eog = IntStream.range(0, Math.min(vocab, tok.vocabSize())).filter(tok::isEndOfGeneration).toArray();
            SamplingParams params = SamplingParams.defaults(seed).withTemperature(temperature).withFilters(40, topP, 0.05f)
                    .withMaxTokens(maxTokens).withStops(stops, stopIds);
            Sampler sampler = new Sampler(params, vocab, eog);
            State state = model.newState();
            if (promptIds.length >= state.capacity()) {
                throw new Args.UsageException("the prompt has " + promptIds.length + " tokens but the context holds " + state.capacity());
            }
            long t1 = System.nanoTime();
            float[] logits = model.forward(state, 0, promptIds);
            long t2 = System.nanoTime();

            int[] history = Arrays.copyOf(promptIds, state.capacity());
            int len = promptIds.length;
            StreamDecoder decoder = tok.newStreamDecoder();
            StopMatcher matcher = new StopMatcher(stops);
            StringBuilder text = new StringBuilder();
            String finish = "length";
            int generated = 0;
            while (generated < maxTokens) {
                int next = sampler.sample(logits, history, len);
                if (tok.isEndOfGeneration(next) || stopIds.contains(next)) {
                    finish = "stop";
                    break;
                }
                history[len++] = next;
                generated++;
                StopMatcher.Result r = matcher.push(decoder.feed(next));
                emit(r.text(), text, json ? null : out);
                if (r.stopped()) {
                    finish = "stop";
                    break;
                }
                if (generated == maxTokens) {
                    break;
                }
                if (len >= state.capacity()) {
                    finish = "context";
                    break;
                }
                logits = model.forward(state, len - 1, next);
            }
            if (matcher.stoppedBy() == null) {
                StopMatcher.Result r = matcher.push(decoder.flush());
                emit(r.text(), text, json ? null : out);
                emit(r.stopped() ? "" : matcher.flush(), text, json ? null : out);
            }
            long t3 = System.nanoTime();
            int[] tokens = Arrays.copyOfRange(history, promptIds.length, len);
            if (json) {
                Json timings = new Json().put("load_ms", (t1 - t0) / 1e6).put("prompt_ms", (t2 - t1) / 1e6).put("gen_ms", (t3 - t2) / 1e6)
                        .put("prompt_tokens_per_s", promptIds.length / ((t2 - t1) / 1e9))
                        .put("gen_tokens_per_s", generated == 0 ? 0 : generated / ((t3 - t2) / 1e9));
                out.println(new Json().put("prompt_token_ids", promptIds).put("token_ids", tokens).put("text", text.toString())
                        .put("finish_reason", finish).putRaw("timings", timings.toString()));
            } else {
                out.println();
                out.flush();
            }
        }
        return 0;
    }

    private static void emit(String piece, StringBuilder all, PrintStream out) {
        if (piece.isEmpty()) {
            return;
        }
        all.append(piece);
        if (out != null) {
            out.print(piece);
            out.flush();
        }
    }
}
