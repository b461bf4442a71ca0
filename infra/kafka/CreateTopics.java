// Run by ./mopao infra up with the JDK source launcher and the broker jars on the class path:
//   java -cp '~/.cache/mopao/kafka-4.1.1/lib/*' infra/kafka/CreateTopics.java 127.0.0.1:9092 < catalogue
// Reads "name partitions cleanup.policy retention.ms" lines from stdin (retention "-" or "default" =
// broker default) and makes the broker match: creates missing topics, raises partition counts that
// are too low, and sets cleanup.policy / retention.ms on existing topics. Idempotent.
// With "--list" as second argument it prints "name partitions cleanup.policy retention.ms" per topic.

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;

public class CreateTopics {

    record Spec(String name, int partitions, String cleanupPolicy, String retentionMs) {
        Map<String, String> configs() {
            Map<String, String> c = new HashMap<>();
            c.put("cleanup.policy", cleanupPolicy);
            if (retentionMs != null) {
                c.put("retention.ms", retentionMs);
            }
            return c;
        }
    }

    static Admin admin(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "mopao-infra");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
        return Admin.create(props);
    }

    static void list(String bootstrap) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            List<String> names = admin.listTopics().names().get().stream().sorted().toList();
            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
            var resources = names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
            var configs = admin.describeConfigs(resources).all().get();
            for (String n : names) {
                var c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, n));
                System.out.println(n + " " + described.get(n).partitions().size() + " " + c.get("cleanup.policy").value()
                        + " " + c.get("retention.ms").value());
            }
        }
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:9092";
        if (args.length > 1 && args[1].equals("--list")) {
            list(bootstrap);
            return;
        }
        List<Spec> specs = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\\s+");
                if (f.length < 2) {
                    throw new IllegalArgumentException("bad catalogue line: " + line);
                }
                String policy = f.length > 2 && !f[2].equals("-") ? f[2] : "delete";
                String retention = f.length > 3 && !f[3].equals("-") && !f[3].equalsIgnoreCase("default") ? f[3] : null;
                if (retention != null) {
                    Long.parseLong(retention);
                }
                specs.add(new Spec(f[0], Integer.parseInt(f[1]), policy, retention));
            }
        }
        try (Admin admin = admin(bootstrap)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> create = new ArrayList<>();
            List<Spec> update = new ArrayList<>();
            for (Spec s : specs) {
                if (existing.contains(s.name())) {
                    update.add(s);
                } else {
                    create.add(new NewTopic(s.name(), s.partitions(), (short) 1).configs(s.configs()));
                }
            }
            if (!create.isEmpty()) {
                admin.createTopics(create).all().get();
                create.forEach(t -> System.out.println("created " + t.name() + " partitions=" + t.numPartitions()
                        + " " + t.configs()));
            }
            if (!update.isEmpty()) {
                Map<String, TopicDescription> described =
                        admin.describeTopics(update.stream().map(Spec::name).toList()).allTopicNames().get();
                Map<String, NewPartitions> grow = new HashMap<>();
                Map<ConfigResource, java.util.Collection<AlterConfigOp>> alter = new HashMap<>();
                for (Spec s : update) {
                    int have = described.get(s.name()).partitions().size();
                    if (have < s.partitions()) {
                        grow.put(s.name(), NewPartitions.increaseTo(s.partitions()));
                    } else if (have > s.partitions()) {
                        System.out.println("warning: " + s.name() + " has " + have + " partitions, catalogue says "
                                + s.partitions() + " (partitions cannot shrink; `./mopao infra reset kafka`)");
                    }
                    List<AlterConfigOp> ops = new ArrayList<>();
                    s.configs().forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
                    if (s.retentionMs() == null) {
                        ops.add(new AlterConfigOp(new ConfigEntry("retention.ms", ""), AlterConfigOp.OpType.DELETE));
                    }
                    alter.put(new ConfigResource(ConfigResource.Type.TOPIC, s.name()), ops);
                }
                if (!grow.isEmpty()) {
                    admin.createPartitions(grow).all().get();
                    grow.forEach((k, v) -> System.out.println("grew " + k + " to " + v.totalCount() + " partitions"));
                }
                admin.incrementalAlterConfigs(alter).all().get();
                update.forEach(s -> System.out.println("ok " + s.name() + " " + s.configs()));
            }
        }
    }
}
