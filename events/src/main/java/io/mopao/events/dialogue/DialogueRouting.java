package io.mopao.events.dialogue;

import io.mopao.events.Topic;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which requests topic a {@link GenerateTurn} goes to, and which consumer group serves it: one topic and one group per
 * runtime pool. The default pool consumes the catalogue topic ({@code mopao.dialogue.requests}) in group
 * {@code mopao-gpu-runtime} and serves every model that has no pool of its own; a model {@code <m>} with a dedicated pool
 * has the topic {@code mopao.dialogue.requests.<m>} and the group {@code mopao-gpu-runtime.<m>}. Producers route with
 * {@link #requestsTopic(String)}; a worker of a dedicated pool takes its topic and group from {@link #dedicatedTopic} and
 * {@link #dedicatedGroup}. Topics keep the session-id key, so a session stays on one worker of its pool.
 *
 * @param defaultTopic    the default pool's requests topic; dedicated topics are named after it
 * @param defaultGroup    the default pool's consumer group; dedicated groups are named after it
 * @param dedicatedModels models that have a pool of their own
 */
public record DialogueRouting(String defaultTopic, String defaultGroup, Set<String> dedicatedModels) {
    /** The default pool's consumer group. */
    public static final String DEFAULT_GROUP = "mopao-gpu-runtime";
    /** Characters Kafka allows in topic names (and that a model name must use to have a pool of its own). */
    private static final Pattern TOPIC_SAFE = Pattern.compile("[a-zA-Z0-9._-]{1,100}");

    public DialogueRouting {
        dedicatedModels = Set.copyOf(new TreeSet<>(dedicatedModels));
        for (String model : dedicatedModels) {
            requireTopicSafe(model);
        }
    }

    /**
     * @param dedicatedModels models with a pool of their own (none: every turn goes to the default pool)
     * @return routing over the catalogue topic and the default group
     */
    public static DialogueRouting catalogue(Set<String> dedicatedModels) {
        return new DialogueRouting(Topic.DIALOGUE_REQUESTS.topicName(), DEFAULT_GROUP, dedicatedModels);
    }

    /**
     * @param model the model a turn names
     * @return the requests topic of the pool that serves it (the default pool's for a model without a pool of its own,
     *     including unknown models: the default pool answers them with an error completion)
     */
    public String requestsTopic(String model) {
        return model != null && dedicatedModels.contains(model) ? dedicatedTopic(model) : defaultTopic;
    }

    /**
     * @param model a model with a pool of its own
     * @return its pool's requests topic
     */
    public String dedicatedTopic(String model) {
        return defaultTopic + "." + requireTopicSafe(model);
    }

    /**
     * @param model a model with a pool of its own
     * @return its pool's consumer group
     */
    public String dedicatedGroup(String model) {
        return defaultGroup + "." + requireTopicSafe(model);
    }

    /** @return every requests topic: the default one and one per dedicated model */
    public List<String> allRequestsTopics() {
        return Stream.concat(Stream.of(defaultTopic), new TreeSet<>(dedicatedModels).stream().map(this::dedicatedTopic)).toList();
    }

    private static String requireTopicSafe(String model) {
        if (model == null || !TOPIC_SAFE.matcher(model).matches()) {
            throw new IllegalArgumentException("model name '" + model + "' cannot have a pool of its own: a dedicated pool's topic is "
                + "named after the model, which must be 1-100 characters of a-z, A-Z, 0-9, '.', '_' and '-'");
        }
        return model;
    }
}
