package io.mopao.runtime.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jboss.logging.Logger;

/**
 * The topics a worker needs at start: a dedicated pool's requests topic is created when missing; the topics it writes
 * to must already exist (they belong to the catalogue, created with the rest of the infrastructure).
 */
public final class WorkerTopics {
    private static final Logger LOG = Logger.getLogger(WorkerTopics.class);

    private WorkerTopics() {
    }

    /**
     * Creates a dedicated pool's requests topic (same partitions and retention as the catalogue's) when it is missing.
     *
     * @param bootstrap   Kafka bootstrap servers
     * @param topic       the topic
     * @param partitions  its partitions
     * @param retentionMs its retention
     * @return whether this call created it (false: it existed)
     */
    public static boolean ensureRequests(String bootstrap, String topic, int partitions, long retentionMs) {
        try (Admin admin = admin(bootstrap)) {
            NewTopic t = new NewTopic(topic, partitions, (short) -1).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_DELETE, TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs)));
            admin.createTopics(List.of(t)).all().get(60, TimeUnit.SECONDS);
            LOG.infof("created requests topic %s (%d partitions)", topic, partitions);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw new IllegalStateException("cannot create requests topic " + topic + " on " + bootstrap + ": " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot create requests topic " + topic + " on " + bootstrap + ": no answer in 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topic, e);
        }
    }

    /**
     * Fails unless every topic exists (looked up without creating anything). A producer's first send to a missing topic
     * either waits a minute for metadata and fails, where the broker does not create topics (k8s/), so that no turn's
     * chunks or completion ever reach the players; or has the broker create it with its own defaults (the development
     * broker), partitions and retention unlike the catalogue's. Neither is what the operator meant.
     *
     * @param bootstrap    Kafka bootstrap servers
     * @param topicsByRole what the worker writes, by what it is for ("events topic", ...)
     * @throws IllegalStateException naming the missing topics, or when the broker does not answer within 60 s
     */
    public static void requireExisting(String bootstrap, Map<String, String> topicsByRole) {
        List<String> missing = new ArrayList<>();
        try (Admin admin = admin(bootstrap)) {
            Map<String, KafkaFuture<TopicDescription>> found = admin.describeTopics(topicsByRole.values().stream().distinct()
                .toList()).topicNameValues();
            for (Map.Entry<String, String> e : topicsByRole.entrySet()) {
                try {
                    found.get(e.getValue()).get(60, TimeUnit.SECONDS);
                } catch (ExecutionException x) {
                    if (!(x.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw new IllegalStateException("cannot look up the " + e.getKey() + " " + e.getValue() + " on " + bootstrap
                            + ": " + x.getCause(), x);
                    }
                    missing.add("the " + e.getKey() + " " + e.getValue());
                }
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot look up the worker's topics on " + bootstrap + ": no answer in 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking up the worker's topics", e);
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(String.join(" and ", missing) + (missing.size() == 1 ? " does" : " do")
                + " not exist on the broker; create the catalogue topics first (./mopao infra topics, or the KafkaTopic manifests"
                + " in k8s/)");
        }
    }

    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }
}
