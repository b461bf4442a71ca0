package io.mopao.runtime.worker;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/** Creates a dedicated pool's requests topic (same partitions and retention as the catalogue's) when it is missing. */
public final class RequestTopics {
    private static final Logger LOG = Logger.getLogger(RequestTopics.class);

    private RequestTopics() {
    }

    /**
     * @param bootstrap   Kafka bootstrap servers
     * @param topic       the topic
     * @param partitions  its partitions
     * @param retentionMs its retention
     * @return whether this call created it (false: it existed)
     */
    public static boolean ensure(String bootstrap, String topic, int partitions, long retentionMs) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
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
}
