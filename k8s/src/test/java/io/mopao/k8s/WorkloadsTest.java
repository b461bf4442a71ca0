package io.mopao.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.mopao.events.Topic;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Pods, Services, scaling, disruption budgets, ingress and monitoring, checked on every rendering. */
class WorkloadsTest {

    /** The Mopao services: Deployment name, and whether it scales on CPU (HPA) or on consumer lag (KEDA). */
    static final Map<String, String> SERVICES = Map.of("web", "hpa", "character-service", "hpa", "world-service", "hpa",
        "story-engine", "hpa", "gpu-runtime", "keda");
    /** Services made by operators, which Ingresses and configuration may name. */
    static final Set<String> OPERATOR_SERVICES = Set.of("mopao-keycloak-service");

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void builtInKindsHaveNoFieldTheKubernetesModelDoesNotKnow(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        for (var resource : r.resources()) {
            if (resource instanceof GenericKubernetesResource) {
                continue;
            }
            List<String> unknown = new ArrayList<>();
            unknownFields(resource, resource.getKind() + "/" + resource.getMetadata().getName(), unknown,
                new IdentityHashMap<>());
            assertEquals(List.of(), unknown, variant + ": fields the Kubernetes API would reject or ignore");
        }
    }

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void everyContainerHasProbesRequestsAndLimits(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        assertFalse(r.workloads().isEmpty());
        for (Manifests.Workload w : r.workloads()) {
            PodSpec pod = w.template().getSpec();
            for (Container c : pod.getContainers()) {
                String where = variant + ": " + w.name() + " container " + c.getName();
                assertNotNull(c.getLivenessProbe(), where + " has no liveness probe");
                assertNotNull(c.getReadinessProbe(), where + " has no readiness probe");
                checkResources(c.getResources(), where);
            }
            if (pod.getInitContainers() != null) {
                pod.getInitContainers().forEach(c -> checkResources(c.getResources(), variant + ": " + w.name() + " init " + c.getName()));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void mopaoServicesProbeQuarkusHealthOnTheirHttpPort(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        for (String name : SERVICES.keySet()) {
            Container c = container(r, name);
            assertEquals("/q/health/live", httpPath(c.getLivenessProbe(), c, variant + ": " + name + " liveness"));
            assertEquals("/q/health/ready", httpPath(c.getReadinessProbe(), c, variant + ": " + name + " readiness"));
            if (c.getStartupProbe() != null) {
                assertEquals("/q/health/started", httpPath(c.getStartupProbe(), c, variant + ": " + name + " startup"));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void mopaoPodsMeetTheRestrictedPodSecurityStandard(String variant) {
        for (Manifests.Workload w : Manifests.render(variant).workloads()) {
            PodSpec pod = w.template().getSpec();
            String where = variant + ": " + w.name();
            assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), where + " runAsNonRoot");
            assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType(), where + " seccomp");
            assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), where + " needs no Kubernetes API token");
            for (Container c : pod.getContainers()) {
                assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation(), where + " privilege escalation");
                assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop(), where + " capabilities");
                assertEquals(Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem(), where + " read-only root");
                for (VolumeMount m : c.getVolumeMounts()) {
                    assertTrue(pod.getVolumes().stream().anyMatch(v -> v.getName().equals(m.getName()))
                        || isClaimTemplate(r(variant), w, m.getName()), where + " mounts unknown volume " + m.getName());
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void operatorManagedPodsHaveRequestsAndLimits(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        for (String kind : List.of("Cluster", "KafkaNodePool", "Keycloak")) {
            assertFalse(r.custom(kind).isEmpty(), variant + ": no " + kind);
            for (GenericKubernetesResource g : r.custom(kind)) {
                checkResources(TopicsTest.spec(g).get("resources"), variant + ": " + kind + "/" + g.getMetadata().getName());
            }
        }
        Map<String, Object> eo = TopicsTest.map(TopicsTest.spec(r.custom("Kafka").get(0)).get("entityOperator"));
        checkResources(TopicsTest.map(eo.get("topicOperator")).get("resources"), variant + ": topic operator");
    }

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void everyServiceSelectsAPodOnADeclaredPort(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        for (Service s : r.all(Service.class)) {
            Map<String, String> selector = s.getSpec().getSelector();
            String where = variant + ": Service " + s.getMetadata().getName();
            assertTrue(selector != null && !selector.isEmpty(), where + " has no selector");
            List<Manifests.Workload> pods = r.workloads().stream()
                .filter(w -> w.podLabels().entrySet().containsAll(selector.entrySet())).toList();
            assertFalse(pods.isEmpty(), where + " selects no pod (" + selector + ")");
            for (ServicePort port : s.getSpec().getPorts()) {
                for (Manifests.Workload w : pods) {
                    assertNotNull(containerPort(w.template().getSpec().getContainers(), port.getTargetPort()),
                        where + " port " + port.getName() + " targets " + port.getTargetPort() + ", not a port of " + w.name());
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void everyServiceDeploymentAndKeycloakHaveADisruptionBudget(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        List<PodDisruptionBudget> pdbs = r.all(PodDisruptionBudget.class);
        for (Deployment d : r.all(Deployment.class)) {
            Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
            List<PodDisruptionBudget> matching = pdbs.stream()
                .filter(p -> labels.entrySet().containsAll(p.getSpec().getSelector().getMatchLabels().entrySet())).toList();
            assertEquals(1, matching.size(), variant + ": Deployment " + d.getMetadata().getName() + " needs one PodDisruptionBudget");
            assertNull(matching.get(0).getSpec().getMinAvailable(), variant + ": use maxUnavailable, so a scaled-in "
                + "Deployment can still be drained");
        }
        assertTrue(pdbs.stream().anyMatch(p -> "keycloak".equals(p.getSpec().getSelector().getMatchLabels().get("app"))
            && "mopao-keycloak".equals(p.getSpec().getSelector().getMatchLabels().get("app.kubernetes.io/instance"))),
            variant + ": Keycloak pods need a PodDisruptionBudget");
    }

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void statelessServicesScaleOnCpuAndTheGpuPoolOnConsumerLag(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        List<HorizontalPodAutoscaler> hpas = r.all(HorizontalPodAutoscaler.class);
        List<GenericKubernetesResource> scaledObjects = r.custom("ScaledObject");
        assertEquals(SERVICES.keySet(), Set.copyOf(r.all(Deployment.class).stream().map(d -> d.getMetadata().getName()).toList()),
            variant + ": the Deployments are the Mopao services");
        for (Map.Entry<String, String> e : SERVICES.entrySet()) {
            String name = e.getKey();
            Deployment d = r.named(Deployment.class, name).orElseThrow();
            assertNull(d.getSpec().getReplicas(), variant + ": " + name + " leaves spec.replicas to its autoscaler (an apply "
                + "would otherwise reset the scale)");
            long byHpa = hpas.stream().filter(h -> h.getSpec().getScaleTargetRef().getName().equals(name)
                && h.getSpec().getScaleTargetRef().getKind().equals("Deployment")).count();
            long byKeda = scaledObjects.stream().filter(s -> name.equals(TopicsTest.map(TopicsTest.spec(s).get("scaleTargetRef"))
                .get("name"))).count();
            if (e.getValue().equals("hpa")) {
                assertEquals(1, byHpa, variant + ": " + name + " has one HorizontalPodAutoscaler");
                assertEquals(0, byKeda, variant + ": " + name);
                HorizontalPodAutoscaler hpa = hpas.stream().filter(h -> h.getSpec().getScaleTargetRef().getName().equals(name))
                    .findFirst().orElseThrow();
                assertTrue(hpa.getSpec().getMetrics().stream().anyMatch(m -> m.getResource() != null
                    && m.getResource().getName().equals("cpu")), variant + ": " + name + " scales on CPU");
                assertTrue(hpa.getSpec().getMinReplicas() <= hpa.getSpec().getMaxReplicas(), variant + ": " + name);
            } else {
                assertEquals(0, byHpa, variant + ": " + name + " is scaled by KEDA only (two autoscalers would fight)");
                assertEquals(1, byKeda, variant + ": " + name + " has one ScaledObject");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void gpuPoolScalesOnTheLagOfTheRequestsTopicUpToItsPartitions(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        GenericKubernetesResource so = r.custom("ScaledObject", "gpu-runtime").orElseThrow();
        Map<String, Object> spec = TopicsTest.spec(so);
        List<?> triggers = (List<?>) spec.get("triggers");
        assertEquals(1, triggers.size());
        Map<String, Object> trigger = TopicsTest.map(triggers.get(0));
        assertEquals("kafka", trigger.get("type"));
        Map<String, Object> md = TopicsTest.map(trigger.get("metadata"));
        assertEquals(Topic.DIALOGUE_REQUESTS.topicName(), md.get("topic"), variant + ": KEDA watches the requests topic");
        assertEquals(TopicsTest.kafkaName(r) + "-kafka-bootstrap:9092", md.get("bootstrapServers"));
        assertEquals("false", md.get("allowIdleConsumers"), variant + ": no worker without a partition");
        int max = ((Number) spec.get("maxReplicaCount")).intValue();
        int min = ((Number) spec.get("minReplicaCount")).intValue();
        assertTrue(min >= 1, variant + ": one warm worker, a model load takes minutes");
        assertTrue(max <= Topic.DIALOGUE_REQUESTS.partitions(), variant + ": " + max + " workers for "
            + Topic.DIALOGUE_REQUESTS.partitions() + " partitions: the extra ones would idle on a GPU");
        assertTrue(Integer.parseInt(md.get("lagThreshold").toString()) > 0);
    }

    @Test
    void gpuWorkersRunOnGpuNodesWithTheModelVolume() {
        for (String variant : List.of("base", "overlays/prod")) {
            Manifests.Rendered r = Manifests.render(variant);
            Deployment d = r.named(Deployment.class, "gpu-runtime").orElseThrow();
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            Container c = pod.getContainers().get(0);
            assertEquals(new Quantity("1"), c.getResources().getLimits().get("nvidia.com/gpu"), variant + ": one GPU per worker");
            assertEquals(c.getResources().getLimits().get("nvidia.com/gpu"), c.getResources().getRequests().get("nvidia.com/gpu"));
            assertTrue(pod.getTolerations().stream().anyMatch(t -> t.getKey().equals("nvidia.com/gpu")), variant + ": toleration");
            assertEquals("true", pod.getNodeSelector().get("nvidia.com/gpu.present"), variant + ": node selector");
            Volume models = pod.getVolumes().stream().filter(v -> v.getPersistentVolumeClaim() != null).findFirst().orElseThrow();
            assertTrue(r.named(io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class,
                models.getPersistentVolumeClaim().getClaimName()).isPresent(), variant + ": the model claim exists");
            assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getName().equals(models.getName())
                && Boolean.TRUE.equals(m.getReadOnly())), variant + ": models mounted read-only");
            assertEquals("cuda", runtimeBackend(r), variant + ": a GPU worker without a usable device must fail, not serve on the CPU");
        }
        Manifests.Rendered devManifests = Manifests.render("overlays/dev");
        Deployment dev = devManifests.named(Deployment.class, "gpu-runtime").orElseThrow();
        assertNull(dev.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits().get("nvidia.com/gpu"),
            "dev runs the CPU backend without GPU nodes");
        assertEquals("cpu", runtimeBackend(devManifests), "dev chooses the CPU backend by configuration");
    }

    /** MOPAO_RUNTIME_BACKEND as the gpu-runtime container gets it from its config map. */
    private static String runtimeBackend(Manifests.Rendered r) {
        Container c = r.named(Deployment.class, "gpu-runtime").orElseThrow().getSpec().getTemplate().getSpec().getContainers().get(0);
        String map = c.getEnvFrom().stream().filter(e -> e.getConfigMapRef() != null).findFirst().orElseThrow()
            .getConfigMapRef().getName();
        return r.named(io.fabric8.kubernetes.api.model.ConfigMap.class, map).orElseThrow().getData().get("MOPAO_RUNTIME_BACKEND");
    }

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void ingressesServeExistingServicesOverTls(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        Ingress web = r.named(Ingress.class, "web").orElseThrow();
        assertEquals("web", web.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService().getName());
        for (Ingress ing : r.all(Ingress.class)) {
            String where = variant + ": Ingress " + ing.getMetadata().getName();
            assertNotNull(ing.getMetadata().getAnnotations().get("cert-manager.io/cluster-issuer"), where + " gets its certificate");
            for (IngressRule rule : ing.getSpec().getRules()) {
                assertTrue(ing.getSpec().getTls().stream().map(IngressTLS::getHosts).anyMatch(h -> h.contains(rule.getHost())),
                    where + " serves " + rule.getHost() + " without TLS");
                for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                    IngressServiceBackend backend = path.getBackend().getService();
                    if (OPERATOR_SERVICES.contains(backend.getName())) {
                        continue;
                    }
                    Service s = r.named(Service.class, backend.getName()).orElseThrow(() -> new AssertionError(where
                        + " routes to missing Service " + backend.getName()));
                    assertTrue(s.getSpec().getPorts().stream().anyMatch(p -> p.getName().equals(backend.getPort().getName())
                        || p.getPort().equals(backend.getPort().getNumber())), where + " routes to a port the Service lacks");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void everyServiceIsScrapedByAServiceMonitor(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        for (String name : SERVICES.keySet()) {
            Service s = r.named(Service.class, name).orElseThrow();
            List<GenericKubernetesResource> monitors = r.custom("ServiceMonitor").stream().filter(m -> s.getMetadata().getLabels()
                .entrySet().containsAll(TopicsTest.map(TopicsTest.map(TopicsTest.spec(m).get("selector")).get("matchLabels"))
                    .entrySet())).toList();
            assertEquals(1, monitors.size(), variant + ": one ServiceMonitor for " + name);
            for (Object ep : (List<?>) TopicsTest.spec(monitors.get(0)).get("endpoints")) {
                Map<String, Object> endpoint = TopicsTest.map(ep);
                assertEquals("/q/metrics", endpoint.get("path"));
                assertTrue(s.getSpec().getPorts().stream().anyMatch(p -> p.getName().equals(endpoint.get("port"))),
                    variant + ": ServiceMonitor of " + name + " scrapes a port the Service lacks");
            }
        }
    }

    @Test
    void overlaysUseTheirImages() {
        for (Deployment d : Manifests.render("overlays/prod").all(Deployment.class)) {
            for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
                assertTrue(c.getImage().matches("registry\\.example\\.com/mopao/[a-z-]+:\\d+\\.\\d+\\.\\d+"),
                    "prod images are released, tagged images: " + c.getImage());
            }
        }
        for (Deployment d : Manifests.render("overlays/dev").all(Deployment.class)) {
            d.getSpec().getTemplate().getSpec().getContainers().forEach(c -> assertTrue(c.getImage().endsWith(":dev"), c.getImage()));
        }
    }

    static Container container(Manifests.Rendered r, String deployment) {
        return r.named(Deployment.class, deployment).orElseThrow(() -> new AssertionError(r + ": no Deployment " + deployment))
            .getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    static ContainerPort containerPort(List<Container> containers, IntOrString port) {
        for (Container c : containers) {
            for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
                if (port.getStrVal() != null ? port.getStrVal().equals(p.getName()) : port.getIntVal().equals(p.getContainerPort())) {
                    return p;
                }
            }
        }
        return null;
    }

    private static String httpPath(Probe probe, Container c, String where) {
        assertNotNull(probe, where + " missing");
        HTTPGetAction get = probe.getHttpGet();
        assertNotNull(get, where + " is not an HTTP probe");
        assertNotNull(containerPort(List.of(c), get.getPort()), where + " probes undeclared port " + get.getPort());
        return get.getPath();
    }

    private static void checkResources(ResourceRequirements res, String where) {
        assertNotNull(res, where + " has no resources");
        for (String r : List.of("cpu", "memory")) {
            assertNotNull(res.getRequests() == null ? null : res.getRequests().get(r), where + " has no " + r + " request");
            assertNotNull(res.getLimits() == null ? null : res.getLimits().get(r), where + " has no " + r + " limit");
            assertTrue(Quantity.getAmountInBytes(res.getRequests().get(r)).compareTo(Quantity.getAmountInBytes(res.getLimits().get(r)))
                <= 0, where + ": " + r + " request above its limit");
        }
    }

    private static void checkResources(Object resources, String where) {
        Map<String, Object> res = TopicsTest.map(resources);
        for (String kind : List.of("requests", "limits")) {
            for (String r : List.of("cpu", "memory")) {
                assertNotNull(TopicsTest.map(res.get(kind)).get(r), where + " has no " + r + " in " + kind);
            }
        }
    }

    private static Manifests.Rendered r(String variant) {
        return Manifests.render(variant);
    }

    private static boolean isClaimTemplate(Manifests.Rendered r, Manifests.Workload w, String volume) {
        return w.owner() instanceof io.fabric8.kubernetes.api.model.apps.StatefulSet s && s.getSpec().getVolumeClaimTemplates()
            .stream().anyMatch(t -> t.getMetadata().getName().equals(volume));
    }

    /** Collects the fields that the fabric8 model kept as "additional properties", i.e. fields the API does not define. */
    static void unknownFields(Object o, String path, List<String> out, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                unknownFields(item, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, out, seen));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object v = m.invoke(o);
                if (m.getName().equals("getAdditionalProperties")) {
                    if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        out.add(path + ": " + extra.keySet());
                    }
                } else {
                    unknownFields(v, path + "." + m.getName().substring(3), out, seen);
                }
            } catch (ReflectiveOperationException e) {
                fail(path + ": " + e);
            }
        }
    }
}
