package io.mopao.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The NetworkPolicies allow exactly the flows listed in k8s/README.md ("NetworkPolicy flows"): every listed flow is
 * allowed on both ends (egress of the source, ingress of the destination, inside the namespace), and no policy allows
 * anything the table does not list. Every address a service is configured with is reachable under the policies.
 */
class NetworkPolicyTest {

    /** A pod group that policies can name: its namespace and labels (for operator-made pods, the operator's labels). */
    record Component(String namespace, Map<String, String> labels) {
    }

    static final String ALL = "all pods";
    static final String API_SERVER = "kube-apiserver";
    static final Map<String, Component> COMPONENTS = new LinkedHashMap<>();

    static {
        String ns = Manifests.NAMESPACE;
        for (String service : List.of("web", "character-service", "world-service", "story-engine", "gpu-runtime", "redis")) {
            COMPONENTS.put(service, new Component(ns, Map.of("app.kubernetes.io/name", service)));
        }
        COMPONENTS.put("kafka", new Component(ns, Map.of("strimzi.io/cluster", "mopao-kafka", "strimzi.io/name", "mopao-kafka-kafka")));
        COMPONENTS.put("kafka-entity-operator", new Component(ns, Map.of("strimzi.io/cluster", "mopao-kafka",
            "strimzi.io/name", "mopao-kafka-entity-operator")));
        COMPONENTS.put("keycloak", new Component(ns, Map.of("app", "keycloak", "app.kubernetes.io/instance", "mopao-keycloak")));
        COMPONENTS.put("keycloak-realm-import", new Component(ns, Map.of("app", "keycloak-realm-import",
            "app.kubernetes.io/instance", "mopao-keycloak")));
        for (String db : List.of("character", "world", "story", "keycloak")) {
            COMPONENTS.put(db + "-db", new Component(ns, Map.of("cnpg.io/cluster", "mopao-" + db + "-db")));
        }
        COMPONENTS.put("ingress-nginx", new Component("ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx")));
        COMPONENTS.put("prometheus", new Component("monitoring", Map.of("app.kubernetes.io/name", "prometheus")));
        COMPONENTS.put("cnpg-operator", new Component("cnpg-system", Map.of("app.kubernetes.io/name", "cloudnative-pg")));
        COMPONENTS.put("keda", new Component("keda", Map.of("app", "keda-operator")));
        COMPONENTS.put("kube-dns", new Component("kube-system", Map.of("k8s-app", "kube-dns")));
    }

    /** Ingress to the brokers on their internal ports is the NetworkPolicy Strimzi generates; we list only the egress. */
    static final Set<String> STRIMZI_MANAGED_INGRESS = Set.of("kafka:9090/TCP", "kafka:9091/TCP");
    /** Services that operators create, and the component and port behind each. */
    static final Map<String, String> OPERATOR_SERVICES = Map.of(
        "mopao-kafka-kafka-bootstrap", "kafka", "mopao-keycloak-service", "keycloak",
        "mopao-character-db-rw", "character-db", "mopao-world-db-rw", "world-db", "mopao-story-db-rw", "story-db",
        "mopao-keycloak-db-rw", "keycloak-db");

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void policiesAllowExactlyTheFlowsTheReadmeLists(String variant) throws IOException {
        Set<String> listed = readmeFlows();
        Flows flows = flows(Manifests.render(variant));
        Set<String> unlisted = new TreeSet<>(flows.ingress);
        unlisted.addAll(flows.egress);
        unlisted.removeAll(listed);
        assertEquals(Set.of(), unlisted, variant + ": policies allow flows that k8s/README.md does not list");
        Set<String> notAllowed = new TreeSet<>();
        for (String flow : listed) {
            String from = flow.substring(0, flow.indexOf(" -> "));
            String to = flow.substring(flow.indexOf(" -> ") + 4);
            if (inNamespace(from) && !flows.egress.contains(flow)) {
                notAllowed.add(flow + " (no egress)");
            }
            if (inNamespace(to.substring(0, to.indexOf(':'))) && !flows.ingress.contains(flow)
                && !STRIMZI_MANAGED_INGRESS.contains(to)) {
                notAllowed.add(flow + " (no ingress)");
            }
        }
        assertEquals(Set.of(), notAllowed, variant + ": flows k8s/README.md lists that the policies do not allow");
    }

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void namespaceDeniesEverythingByDefault(String variant) {
        assertTrue(Manifests.render(variant).all(NetworkPolicy.class).stream().anyMatch(p ->
            (p.getSpec().getPodSelector().getMatchLabels() == null || p.getSpec().getPodSelector().getMatchLabels().isEmpty())
                && p.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
                && p.getSpec().getIngress().isEmpty() && p.getSpec().getEgress().isEmpty()),
            variant + ": a default-deny policy for ingress and egress");
    }

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void mopaoPodsAreTheComponentsThePoliciesName(String variant) {
        for (Manifests.Workload w : Manifests.render(variant).workloads()) {
            long matches = COMPONENTS.values().stream().filter(c -> c.namespace.equals(Manifests.NAMESPACE)
                && w.podLabels().entrySet().containsAll(c.labels.entrySet())).count();
            assertEquals(1, matches, variant + ": " + w.name() + " pods must be exactly one component of the flow table");
        }
    }

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void everyAddressAServiceIsConfiguredWithIsReachable(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        Flows flows = flows(r);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : configuredFlows(r, problems).entrySet()) {
            String flow = e.getValue();
            if (!flows.egress.contains(flow)) {
                problems.add(e.getKey() + ": no egress for " + flow);
            }
            if (!flows.ingress.contains(flow)) {
                problems.add(e.getKey() + ": no ingress for " + flow);
            }
        }
        assertEquals(List.of(), problems, variant);
    }

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void everyEgressOfAServiceIsNeededByItsConfiguration(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        Set<String> configured = new TreeSet<>(configuredFlows(r, new ArrayList<>()).values());
        Set<String> services = new TreeSet<>();
        r.all(Deployment.class).forEach(d -> services.add(component(d.getSpec().getTemplate().getMetadata().getLabels())));
        Set<String> unneeded = new TreeSet<>();
        for (String flow : flows(r).egress) {
            String from = flow.substring(0, flow.indexOf(" -> "));
            if (services.contains(from) && !configured.contains(flow)) {
                unneeded.add(flow);
            }
        }
        assertEquals(Set.of(), unneeded, variant + ": egress that no address in the service's configuration needs");
    }

    /** "Deployment VAR" to the flow that the address in that variable needs; unresolvable addresses go to problems. */
    private static Map<String, String> configuredFlows(Manifests.Rendered r, List<String> problems) {
        Pattern address = Pattern.compile("(?:^|[/@,])([a-z0-9][a-z0-9-]*)(?:\\.[a-z0-9.-]+)?:(\\d+)");
        Map<String, String> out = new LinkedHashMap<>();
        for (Deployment d : r.all(Deployment.class)) {
            String from = component(d.getSpec().getTemplate().getMetadata().getLabels());
            for (Map.Entry<String, String> e : ServiceConfig.providedEnv(r, d).entrySet()) {
                if (e.getValue() == null) {
                    continue;
                }
                Matcher m = address.matcher(e.getValue());
                int n = 0;
                while (m.find()) {
                    String target = target(r, m.group(1), Integer.parseInt(m.group(2)));
                    String key = d.getMetadata().getName() + " " + e.getKey() + (n++ == 0 ? "" : "#" + n);
                    if (target == null) {
                        problems.add(key + ": no Service " + m.group(1) + ":" + m.group(2));
                    } else {
                        out.put(key, from + " -> " + target);
                    }
                }
            }
        }
        return out;
    }

    /** component:port/TCP behind a host name and port that a service is configured with, or null if none. */
    private static String target(Manifests.Rendered r, String host, int port) {
        if (OPERATOR_SERVICES.containsKey(host)) {
            return OPERATOR_SERVICES.get(host) + ":" + port + "/TCP";
        }
        Service s = r.named(Service.class, host).orElse(null);
        if (s == null) {
            return null;
        }
        var servicePort = s.getSpec().getPorts().stream().filter(p -> p.getPort() == port).findFirst().orElse(null);
        if (servicePort == null) {
            return null;
        }
        Manifests.Workload w = r.workloads().stream()
            .filter(x -> x.podLabels().entrySet().containsAll(s.getSpec().getSelector().entrySet())).findFirst().orElseThrow();
        IntOrString tp = servicePort.getTargetPort();
        int containerPort = WorkloadsTest.containerPort(w.template().getSpec().getContainers(), tp).getContainerPort();
        return component(w.podLabels()) + ":" + containerPort + "/TCP";
    }

    /** Flows ("from -> to:port/PROTO") that the policies allow on the ingress side and on the egress side. */
    record Flows(Set<String> ingress, Set<String> egress) {
    }

    static Flows flows(Manifests.Rendered r) {
        Set<String> ingress = new TreeSet<>();
        Set<String> egress = new TreeSet<>();
        for (NetworkPolicy p : r.all(NetworkPolicy.class)) {
            String where = r + ": NetworkPolicy " + p.getMetadata().getName();
            String target = selected(Manifests.NAMESPACE, p.getSpec().getPodSelector(), null, where);
            for (NetworkPolicyIngressRule rule : p.getSpec().getIngress()) {
                assertFalse(rule.getFrom().isEmpty(), where + " allows ingress from anywhere");
                for (NetworkPolicyPeer peer : rule.getFrom()) {
                    String from = peer(peer, where);
                    ports(rule.getPorts(), where).forEach(port -> ingress.add(from + " -> " + target + ":" + port));
                }
            }
            for (NetworkPolicyEgressRule rule : p.getSpec().getEgress()) {
                assertFalse(rule.getTo().isEmpty(), where + " allows egress to anywhere");
                for (NetworkPolicyPeer peer : rule.getTo()) {
                    String to = peer(peer, where);
                    ports(rule.getPorts(), where).forEach(port -> egress.add(target + " -> " + to + ":" + port));
                }
            }
        }
        // Strimzi turns the listener's networkPolicyPeers into the brokers' ingress policy
        for (GenericKubernetesResource kafka : r.custom("Kafka")) {
            for (Object l : (List<?>) TopicsTest.map(TopicsTest.spec(kafka).get("kafka")).get("listeners")) {
                Map<String, Object> listener = TopicsTest.map(l);
                Object peers = listener.get("networkPolicyPeers");
                assertTrue(peers instanceof List<?> list && !list.isEmpty(), r + ": listener " + listener.get("name")
                    + " without networkPolicyPeers is open to every pod");
                for (Object peer : (List<?>) peers) {
                    NetworkPolicyPeer p = Kustomize.YAML.convertValue(peer, NetworkPolicyPeer.class);
                    ingress.add(peer(p, r + ": Kafka listener") + " -> kafka:" + listener.get("port") + "/TCP");
                }
            }
        }
        return new Flows(ingress, egress);
    }

    private static String peer(NetworkPolicyPeer peer, String where) {
        if (peer.getIpBlock() != null) {
            assertEquals("0.0.0.0/0", peer.getIpBlock().getCidr(), where + ": an ipBlock stands for the API server");
            return API_SERVER;
        }
        String namespace = Manifests.NAMESPACE;
        if (peer.getNamespaceSelector() != null) {
            LabelSelector ns = peer.getNamespaceSelector();
            assertTrue(ns.getMatchExpressions() == null || ns.getMatchExpressions().isEmpty(), where);
            namespace = ns.getMatchLabels() == null ? null : ns.getMatchLabels().get("kubernetes.io/metadata.name");
            assertTrue(namespace != null, where + ": namespaceSelector must name one namespace (kubernetes.io/metadata.name)");
        }
        assertTrue(peer.getPodSelector() != null, where + ": a peer without podSelector means every pod of a namespace");
        return selected(namespace, peer.getPodSelector(), where, where);
    }

    private static String selected(String namespace, LabelSelector selector, String peerOf, String where) {
        assertTrue(selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty(), where);
        Map<String, String> labels = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
        if (labels.isEmpty()) {
            assertTrue(peerOf == null, where + ": a peer that selects every pod");
            return ALL;
        }
        List<String> matched = COMPONENTS.entrySet().stream().filter(e -> e.getValue().namespace.equals(namespace)
            && e.getValue().labels.entrySet().containsAll(labels.entrySet())).map(Map.Entry::getKey).toList();
        assertEquals(1, matched.size(), where + ": selector " + labels + " in " + namespace + " must pick one component, picks "
            + matched);
        return matched.get(0);
    }

    private static List<String> ports(List<NetworkPolicyPort> ports, String where) {
        assertFalse(ports.isEmpty(), where + ": a rule without ports allows every port");
        return ports.stream().map(p -> {
            assertTrue(p.getPort().getIntVal() != null, where + ": ports by number");
            assertTrue(p.getEndPort() == null, where + ": no port ranges");
            return p.getPort().getIntVal() + "/" + (p.getProtocol() == null ? "TCP" : p.getProtocol());
        }).toList();
    }

    private static String component(Map<String, String> podLabels) {
        return COMPONENTS.entrySet().stream().filter(e -> e.getValue().namespace.equals(Manifests.NAMESPACE)
            && podLabels.entrySet().containsAll(e.getValue().labels.entrySet())).map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    private static boolean inNamespace(String component) {
        return component.equals(ALL) || COMPONENTS.containsKey(component)
            && COMPONENTS.get(component).namespace.equals(Manifests.NAMESPACE);
    }

    /** The flows of the README table: rows "| from, ... | to, ... | port[/PROTO], ... | why |". */
    static Set<String> readmeFlows() throws IOException {
        List<String> lines = Files.readAllLines(Manifests.K8S.resolve("README.md"));
        int start = lines.indexOf("## NetworkPolicy flows");
        assertTrue(start >= 0, "k8s/README.md has a section '## NetworkPolicy flows'");
        Set<String> flows = new TreeSet<>();
        boolean inTable = false;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (!line.startsWith("|")) {
                if (inTable) {
                    break;
                }
                continue;
            }
            String[] cells = line.split("\\|");
            if (cells[1].trim().equals("from") || cells[1].trim().startsWith("---")) {
                inTable = true;
                continue;
            }
            for (String from : cells[1].split(",")) {
                for (String to : cells[2].split(",")) {
                    for (String port : cells[3].split(",")) {
                        String f = from.trim();
                        String t = to.trim();
                        assertTrue(f.equals(ALL) || COMPONENTS.containsKey(f), "README flow source unknown: " + f);
                        assertTrue(t.equals(API_SERVER) || COMPONENTS.containsKey(t), "README flow destination unknown: " + t);
                        String p = port.trim().contains("/") ? port.trim() : port.trim() + "/TCP";
                        flows.add(f + " -> " + t + ":" + p);
                    }
                }
            }
        }
        assertFalse(flows.isEmpty(), "the README flow table is empty");
        return flows;
    }
}
