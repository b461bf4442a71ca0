package io.mopao.events;

/**
 * Prints the topic catalogue, one topic a line: {@code name partitions cleanup.policy retention.ms}. The
 * {@code ./mopao infra up} script creates the topics from this output, so scripts never repeat the catalogue.
 */
public final class TopicCatalogue {

    private TopicCatalogue() {
    }

    public static void main(String[] args) {
        for (Topic topic : Topic.values()) {
            System.out.println(topic.topicName() + " " + topic.partitions() + " " + topic.cleanupPolicy().kafkaName() + " "
                + topic.retentionMs());
        }
    }
}
