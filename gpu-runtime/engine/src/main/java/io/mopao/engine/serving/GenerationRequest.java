package io.mopao.engine.serving;

import io.mopao.engine.chat.RenderedPrompt;
import io.mopao.engine.sampling.SamplingParams;
import io.mopao.engine.tokenizer.Tokenizer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What to generate.
 *
 * @param requestId    the caller's id (echoed in events and the completion)
 * @param promptTokens the prompt, BOS included when the model wants one
 * @param params       sampling and stop parameters (the seed makes sampling reproducible)
 * @param priority     higher is served first and preempted last; 0 is normal
 * @param deadline     when to give up (finish with DEADLINE), or null for never
 */
public record GenerationRequest(String requestId, int[] promptTokens, SamplingParams params, int priority, Instant deadline) {

    public GenerationRequest {
        if (requestId == null || promptTokens == null || params == null) {
            throw new RequestRejectedException("requestId, promptTokens and params are required");
        }
        promptTokens = promptTokens.clone();
    }

    /**
     * @param requestId the caller's id
     * @param prompt    prompt token ids
     * @param params    sampling parameters
     * @return a normal-priority request without deadline
     */
    public static GenerationRequest ofTokens(String requestId, int[] prompt, SamplingParams params) {
        return new GenerationRequest(requestId, prompt, params, 0, null);
    }

    /**
     * A rendered chat: encodes its text (BOS as the tokenizer wants, control tokens parsed) and adds the template's
     * stop strings to the parameters (single-token ones as stop token ids).
     *
     * @param requestId the caller's id
     * @param prompt    the rendered conversation
     * @param tokenizer the model's tokenizer
     * @param params    sampling parameters
     * @return the request
     */
    public static GenerationRequest ofChat(String requestId, RenderedPrompt prompt, Tokenizer tokenizer, SamplingParams params) {
        return ofChat(requestId, prompt, tokenizer.encode(prompt.text(), tokenizer.addBosByDefault(), true), tokenizer, params);
    }

    /**
     * As {@link #ofChat(String, RenderedPrompt, Tokenizer, SamplingParams)} for a prompt the caller has already encoded
     * (with {@code tokenizer.encode(prompt.text(), tokenizer.addBosByDefault(), true)}), to count it against a budget.
     *
     * @param requestId the caller's id
     * @param prompt    the rendered conversation
     * @param tokens    its encoding
     * @param tokenizer the model's tokenizer
     * @param params    sampling parameters
     * @return the request
     */
    public static GenerationRequest ofChat(String requestId, RenderedPrompt prompt, int[] tokens, Tokenizer tokenizer,
                                           SamplingParams params) {
        List<String> stops = new ArrayList<>(params.stop());
        Set<Integer> ids = new HashSet<>(params.stopTokenIds());
        for (int id : prompt.stopTokenIds(tokenizer)) {
            ids.add(id);
        }
        for (String s : prompt.stopStrings()) {
            if (tokenizer.tokenId(s) < 0 && !stops.contains(s)) {
                stops.add(s);
            }
        }
        return ofTokens(requestId, tokens, params.withStops(stops, ids));
    }

    /**
     * @param value priority (higher first)
     * @return a copy with it
     */
    public GenerationRequest withPriority(int value) {
        return new GenerationRequest(requestId, promptTokens, params, value, deadline);
    }

    /**
     * @param value deadline, or null
     * @return a copy with it
     */
    public GenerationRequest withDeadline(Instant value) {
        return new GenerationRequest(requestId, promptTokens, params, priority, value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GenerationRequest r && requestId.equals(r.requestId) && Arrays.equals(promptTokens, r.promptTokens)
                && params.equals(r.params) && priority == r.priority && Objects.equals(deadline, r.deadline);
    }

    @Override
    public int hashCode() {
        return requestId.hashCode() * 31 + Arrays.hashCode(promptTokens);
    }

    @Override
    public String toString() {
        return "GenerationRequest[" + requestId + ", " + promptTokens.length + " prompt tokens, priority " + priority
                + (deadline != null ? ", deadline " + deadline : "") + "]";
    }
}
