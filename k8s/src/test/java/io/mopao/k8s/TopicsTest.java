package io.mopao.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.mopao.events.Topic;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rendering has exactly the catalogue's topics, with the catalogue's partitions, cleanup policy and retention. */
class TopicsTest {

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void everyCatalogueTopicHasAKafkaTopicWithItsPartitionsAndCleanupPolicy(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        Map<String, GenericKubernetesResource> byTopic = new HashMap<>();
        for (GenericKubernetesResource kt : r.custom("KafkaTopic")) {
            String name = topicName(kt);
            assertTrue(byTopic.put(name, kt) == null, variant + ": two KafkaTopics for " + name);
            assertTrue(Topic.byName(name).isPresent(), variant + ": KafkaTopic " + name + " is not in io.mopao.events.Topic");
            assertEquals(kafkaName(r), kt.getMetadata().getLabels().get("strimzi.io/cluster"),
                variant + ": KafkaTopic " + name + " must name the Kafka cluster in label strimzi.io/cluster");
        }
        for (Topic topic : Topic.all()) {
            GenericKubernetesResource kt = byTopic.get(topic.topicName());
            assertNotNull(kt, variant + ": no KafkaTopic for catalogue topic " + topic.topicName());
            Map<String, Object> spec = spec(kt);
            assertEquals(topic.partitions(), ((Number) spec.get("partitions")).intValue(),
                variant + ": partitions of " + topic.topicName());
            Map<String, Object> config = map(spec.get("config"));
            assertEquals(topic.cleanupPolicy().kafkaName(), config.get("cleanup.policy"),
                variant + ": cleanup.policy of " + topic.topicName());
            if (topic.retention().isPresent()) {
                assertEquals(topic.retentionMs(), ((Number) config.get("retention.ms")).longValue(),
                    variant + ": retention.ms of " + topic.topicName());
            } else {
                assertFalse(config.containsKey("retention.ms"), variant + ": compacted " + topic.topicName() + " keeps all keys");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void topicReplicasFitTheBrokersAndLeaveRoomForAFailure(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        int brokers = nodes(r, "broker");
        int minIsr = ((Number) kafkaConfig(r).get("min.insync.replicas")).intValue();
        assertTrue(((Number) kafkaConfig(r).get("default.replication.factor")).intValue() <= brokers, variant);
        for (GenericKubernetesResource kt : r.custom("KafkaTopic")) {
            int replicas = ((Number) spec(kt).get("replicas")).intValue();
            assertTrue(replicas <= brokers, variant + ": " + topicName(kt) + " wants " + replicas + " replicas of " + brokers + " brokers");
            assertTrue(minIsr < replicas || replicas == 1, variant + ": " + topicName(kt) + " could not take a write with one "
                + "replica down (min.insync.replicas " + minIsr + ", replicas " + replicas + ")");
        }
    }

    @Test
    void productionKafkaHasThreeKraftNodesReplicationThreeAndMinInsyncTwo() {
        Manifests.Rendered prod = Manifests.render("overlays/prod");
        GenericKubernetesResource kafka = prod.custom("Kafka").get(0);
        assertEquals("enabled", kafka.getMetadata().getAnnotations().get("strimzi.io/kraft"));
        assertEquals("enabled", kafka.getMetadata().getAnnotations().get("strimzi.io/node-pools"));
        assertEquals(3, nodes(prod, "controller"));
        assertEquals(3, nodes(prod, "broker"));
        Map<String, Object> config = kafkaConfig(prod);
        assertEquals(3, ((Number) config.get("default.replication.factor")).intValue());
        assertEquals(2, ((Number) config.get("min.insync.replicas")).intValue());
        assertEquals(3, ((Number) config.get("offsets.topic.replication.factor")).intValue());
        assertEquals(3, ((Number) config.get("transaction.state.log.replication.factor")).intValue());
        assertEquals(2, ((Number) config.get("transaction.state.log.min.isr")).intValue());
        assertEquals(false, config.get("auto.create.topics.enable"));
        for (GenericKubernetesResource kt : prod.custom("KafkaTopic")) {
            assertEquals(3, ((Number) spec(kt).get("replicas")).intValue(), topicName(kt));
        }
    }

    static int nodes(Manifests.Rendered r, String role) {
        int n = 0;
        for (GenericKubernetesResource pool : r.custom("KafkaNodePool")) {
            assertEquals(kafkaName(r), pool.getMetadata().getLabels().get("strimzi.io/cluster"));
            List<?> roles = (List<?>) spec(pool).get("roles");
            if (roles.contains(role)) {
                n += ((Number) spec(pool).get("replicas")).intValue();
            }
        }
        return n;
    }

    static String kafkaName(Manifests.Rendered r) {
        List<GenericKubernetesResource> kafkas = r.custom("Kafka");
        assertEquals(1, kafkas.size(), r + ": one Kafka cluster");
        return kafkas.get(0).getMetadata().getName();
    }

    static Map<String, Object> kafkaConfig(Manifests.Rendered r) {
        return map(map(spec(r.custom("Kafka").get(0)).get("kafka")).get("config"));
    }

    static String topicName(GenericKubernetesResource kt) {
        Object name = spec(kt).get("topicName");
        return name == null ? kt.getMetadata().getName() : name.toString();
    }

    static Map<String, Object> spec(GenericKubernetesResource r) {
        return map(r.getAdditionalProperties().get("spec"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o == null ? Map.of() : (Map<String, Object>) o;
    }
}
