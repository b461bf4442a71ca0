package io.mopao.runtime.prompt;

import io.mopao.engine.chat.ChatMessage;
import io.mopao.engine.chat.RenderedPrompt;
import io.mopao.engine.chat.RolePlayTemplate;
import io.mopao.engine.sampling.SamplingParams;
import io.mopao.engine.serving.GenerationRequest;
import io.mopao.engine.tokenizer.Tokenizer;
import io.mopao.events.dialogue.PromptSegment;
import io.mopao.runtime.engine.ServedModel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Renders a turn's prompt segments with the model's chat template and enforces the context budget: the prompt plus
 * {@code max_tokens} must fit the model's context, so droppable segments go, lowest priority first and, among equals,
 * oldest (earliest) first, until it does. The runtime owns tokens; story-engine only orders and prioritises segments.
 */
public final class TurnPrompt {

    /**
     * What the engine is asked to do for one turn.
     *
     * @param request         the engine request (prompt tokens, parameters with the template's and speakers' stops)
     * @param droppedSegments how many segments were dropped to fit
     */
    public record Rendered(GenerationRequest request, int droppedSegments) {
    }

    private TurnPrompt() {
    }

    /**
     * @param model        the model that will run it
     * @param requestId    the engine request id
     * @param segments     prompt segments in order
     * @param speakerName  who speaks next (role-play prompt and stops for the other speakers), or null
     * @param continuation text already generated for this reply (rendered as the open assistant message), or null
     * @param params       sampling parameters
     * @return the request
     * @throws UnservableRequestException when a segment is invalid or the non-droppable part does not fit
     */
    public static Rendered render(ServedModel model, String requestId, List<PromptSegment> segments, String speakerName,
                                  String continuation, SamplingParams params) {
        if (segments.isEmpty() && (continuation == null || continuation.isEmpty())) {
            throw new UnservableRequestException("invalid_request", "segments", "the turn has no prompt segments");
        }
        List<Indexed> kept = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            PromptSegment s = segments.get(i);
            try {
                kept.add(new Indexed(i, s, new ChatMessage(s.role(), s.name(), s.content())));
            } catch (IllegalArgumentException e) {
                throw new UnservableRequestException("invalid_request", "segments[" + i + "]", "segment " + i + " (" + s.kind() + "): "
                    + e.getMessage());
            }
        }
        String speaker = blankToNull(speakerName);
        if (speaker != null && (speaker.contains("\n") || speaker.contains(":"))) {
            throw new UnservableRequestException("invalid_request", "speakerName", "speaker name must not contain a newline or ':'");
        }
        int context = model.contextLength();
        int budget = context - params.maxTokens();
        if (budget < 1) {
            throw new UnservableRequestException("context_length_exceeded", "max_tokens", "max_tokens " + params.maxTokens()
                + " leaves no room for the prompt in the model's context of " + context + " tokens");
        }
        Tokenizer tok = model.tokenizer();
        int dropped = 0;
        RenderedPrompt prompt = render(model, kept, speaker, continuation);
        int[] encoded = encode(tok, prompt);
        int tokens = encoded.length;
        if (tokens > budget) {
            // estimate first (cost of each segment alone), then confirm with exact renders
            int excess = tokens - budget;
            while (excess > 0) {
                Indexed victim = victim(kept);
                if (victim == null) {
                    break;
                }
                kept.remove(victim);
                dropped++;
                excess -= tok.encode(victim.message.namedContent()).length + 2;
            }
            prompt = render(model, kept, speaker, continuation);
            encoded = encode(tok, prompt);
            tokens = encoded.length;
            while (tokens > budget) {
                Indexed victim = victim(kept);
                if (victim == null) {
                    throw new UnservableRequestException("context_length_exceeded", "segments", "the prompt needs " + tokens
                        + " tokens after dropping every droppable segment, but only " + budget + " fit (context " + context
                        + " minus max_tokens " + params.maxTokens() + ")");
                }
                kept.remove(victim);
                dropped++;
                prompt = render(model, kept, speaker, continuation);
                encoded = encode(tok, prompt);
                tokens = encoded.length;
            }
        }
        List<String> stops = new ArrayList<>(params.stop());
        for (String s : speakerStops(kept, speaker)) {
            if (!stops.contains(s)) {
                stops.add(s);
            }
        }
        SamplingParams withStops = params.withStops(stops, params.stopTokenIds());
        return new Rendered(GenerationRequest.ofChat(requestId, prompt, encoded, tok, withStops), dropped);
    }

    /**
     * Encodes a plain completion prompt.
     *
     * @param model     the model
     * @param requestId the engine request id
     * @param text      the prompt text
     * @param params    sampling parameters
     * @return the request
     */
    public static GenerationRequest plain(ServedModel model, String requestId, String text, SamplingParams params) {
        Tokenizer tok = model.tokenizer();
        int[] tokens = tok.encode(text, tok.addBosByDefault(), false);
        int budget = model.contextLength() - params.maxTokens();
        if (tokens.length > budget) {
            throw new UnservableRequestException("context_length_exceeded", "prompt", "this model's context is " + model.contextLength()
                + " tokens; the prompt has " + tokens.length + " and max_tokens asks for " + params.maxTokens());
        }
        if (tokens.length == 0) {
            throw new UnservableRequestException("invalid_request", "prompt", "the prompt is empty");
        }
        return GenerationRequest.ofTokens(requestId, tokens, params);
    }

    /**
     * Renders chat messages (the HTTP chat endpoint), checking the budget without dropping anything.
     *
     * @param model     the model
     * @param requestId the engine request id
     * @param messages  the conversation
     * @param params    sampling parameters
     * @return the request
     */
    public static GenerationRequest chat(ServedModel model, String requestId, List<ChatMessage> messages, SamplingParams params) {
        RenderedPrompt prompt = model.template().render(messages, true);
        int[] encoded = encode(model.tokenizer(), prompt);
        int tokens = encoded.length;
        int budget = model.contextLength() - params.maxTokens();
        if (tokens > budget) {
            throw new UnservableRequestException("context_length_exceeded", "messages", "this model's context is "
                + model.contextLength() + " tokens; the messages need " + tokens + " and max_tokens asks for " + params.maxTokens());
        }
        return GenerationRequest.ofChat(requestId, prompt, encoded, model.tokenizer(), params);
    }

    private record Indexed(int index, PromptSegment segment, ChatMessage message) {
    }

    /** The lowest-priority droppable segment, the earliest among equals; null when none is droppable. */
    private static Indexed victim(List<Indexed> kept) {
        Indexed best = null;
        for (Indexed i : kept) {
            if (i.segment.droppable() && (best == null || i.segment.priority() < best.segment.priority())) {
                best = i;
            }
        }
        return best;
    }

    private static RenderedPrompt render(ServedModel model, List<Indexed> kept, String speaker, String continuation) {
        List<ChatMessage> messages = kept.stream().map(Indexed::message).toList();
        RenderedPrompt p;
        boolean rolePlay = model.template() instanceof RolePlayTemplate;
        if (model.template() instanceof RolePlayTemplate rp) {
            p = speaker != null ? rp.render(messages, speaker) : rp.render(messages, true);
        } else {
            p = model.template().render(messages, true);
        }
        if (continuation == null || continuation.isEmpty()) {
            return p;
        }
        String open = rolePlay && !Character.isWhitespace(continuation.charAt(0)) ? " " + continuation : continuation;
        return new RenderedPrompt(p.text() + open, p.stopStrings());
    }

    /** Other named speakers' line prefixes end the reply (the role-play template adds its own). */
    private static Set<String> speakerStops(List<Indexed> kept, String speaker) {
        Set<String> stops = new LinkedHashSet<>();
        if (speaker == null) {
            return stops;
        }
        for (Indexed i : kept) {
            String name = i.message.name();
            if (name != null && !name.equals(speaker) && !i.message.isSystem()) {
                stops.add("\n" + name + ":");
            }
        }
        return stops;
    }

    /** The prompt's tokens, encoded as {@link GenerationRequest#ofChat} would: counted, then handed to it. */
    private static int[] encode(Tokenizer tok, RenderedPrompt p) {
        return tok.encode(p.text(), tok.addBosByDefault(), true);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
