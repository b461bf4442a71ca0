package io.mopao.runtime.worker;

import java.time.Duration;

/**
 * How a {@link WorkerPool} talks to Kafka and chunks its output.
 *
 * @param bootstrap       Kafka bootstrap servers
 * @param groupId         the pool's consumer group (every replica serving the requests topic joins it)
 * @param requestsTopic   GenerateTurn records, keyed by session id
 * @param eventsTopic     where TokenChunk and TurnCompleted go
 * @param controlTopic    TurnCancelled records (every worker reads all partitions from the latest offset)
 * @param deadLetterTopic where unreadable requests go
 * @param workerId        this worker's id (client id, completions, logs)
 * @param maxInFlight     turns admitted at once before consumption pauses
 * @param kvHighWatermark KV usage above which consumption pauses while turns wait for KV
 * @param chunkTokens     most tokens per chunk
 * @param chunkInterval   longest a chunk's text waits
 * @param drainTimeout    how long a graceful stop lets in-flight turns finish
 */
public record WorkerSettings(String bootstrap, String groupId, String requestsTopic, String eventsTopic, String controlTopic,
                             String deadLetterTopic, String workerId, int maxInFlight, double kvHighWatermark, int chunkTokens,
                             Duration chunkInterval, Duration drainTimeout) {

    public WorkerSettings {
        if (maxInFlight < 1 || chunkTokens < 1 || chunkInterval.isNegative() || chunkInterval.isZero()) {
            throw new IllegalArgumentException("maxInFlight and chunkTokens must be >= 1 and chunkInterval positive");
        }
    }

    /**
     * @param topic the pool's requests topic
     * @param group the pool's consumer group
     * @return these settings for a member of that pool
     */
    public WorkerSettings inPool(String topic, String group) {
        return new WorkerSettings(bootstrap, group, topic, eventsTopic, controlTopic, deadLetterTopic, workerId, maxInFlight,
            kvHighWatermark, chunkTokens, chunkInterval, drainTimeout);
    }
}
