package dev.gatehouse.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.Yaml;

import dev.gatehouse.user.PasswordProperties;

/**
 * The deployment files (deploy/kubernetes, deploy/compose.yaml, deploy/haproxy) against the image they run (the Jib
 * configuration in pom.xml, the one source of its user, ports, JVM flags and writable folder) and against
 * docs/configuration.md: every variable they set is a documented setting, probes and scrapes use the management port,
 * nothing runs as root or writes outside /tmp, no secret is written into them, and the memory limit holds the heap
 * that the password hashing concurrency needs.
 */
public class DeploymentManifestsTest {

    private static final Path KUBERNETES = Path.of("deploy/kubernetes");
    private static final Path COMPOSE = Path.of("deploy/compose.yaml");
    private static final Pattern SECRET_NAME = Pattern.compile(".*(PASSWORD|TOKEN|SECRET|_KEYS_).*");

    /** What the Jib configuration in pom.xml gives the image. */
    public record Image(String user, List<Integer> ports, List<String> jvmFlags, Map<String, String> environment,
                 List<String> volumes, String mainClass) {

        int uid() {
            return Integer.parseInt(user.split(":")[0]);
        }

        double heapShareOfMemory() {
            return jvmFlags.stream().filter(f -> f.startsWith("-XX:MaxRAMPercentage="))
                    .map(f -> Double.parseDouble(f.substring(f.indexOf('=') + 1)) / 100).findFirst().orElseThrow();
        }
    }

    /** The Jib image's configuration in pom.xml. */
    public static Image image() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        Element jib = null;
        NodeList plugins = pom.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if (text(plugin, "artifactId").equals("jib-maven-plugin") && child(plugin, "configuration") != null
                    && child(child(plugin, "configuration"), "container") != null
                    && child(child(child(plugin, "configuration"), "container"), "user") != null) {
                jib = child(child(plugin, "configuration"), "container");
                break;
            }
        }
        assertThat(jib).as("jib-maven-plugin's <container> configuration in pom.xml").isNotNull();
        Map<String, String> environment = new LinkedHashMap<>();
        NodeList env = child(jib, "environment").getChildNodes();
        for (int i = 0; i < env.getLength(); i++) {
            if (env.item(i) instanceof Element e) {
                environment.put(e.getTagName(), e.getTextContent().strip());
            }
        }
        return new Image(text(jib, "user"), texts(child(jib, "ports"), "port").stream().map(Integer::valueOf).toList(),
                texts(child(jib, "jvmFlags"), "jvmFlag"), environment, texts(child(jib, "volumes"), "volume"),
                text(jib, "mainClass"));
    }

    @Test
    void imageWhenBuiltThenNonRootWithAHeapCapAndOnlyTmpWritable() throws Exception {
        Image image = image();

        assertThat(image.uid()).as("the image's user").isPositive();
        assertThat(image.jvmFlags()).contains("-Djava.io.tmpdir=/tmp", "-XX:+ExitOnOutOfMemoryError");
        assertThat(image.heapShareOfMemory()).isBetween(0.5, 0.8);
        assertThat(image.volumes()).containsExactly("/tmp");
        assertThat(image.environment()).containsEntry("SPRING_PROFILES_ACTIVE", "prod")
                .containsEntry("MANAGEMENT_SERVER_ADDRESS", "0.0.0.0");
        assertThat(image.mainClass()).isEqualTo(dev.gatehouse.GatehouseApplication.class.getName());
        assertThat(image.ports()).containsExactly(8080, 8081);
    }

    /** The run command's JVM flags: the pom's {@code gatehouse.jvm.flags}, which ./gatehouse and spring-boot:run use. */
    public static List<String> runCommandFlags() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        Element properties = (Element) pom.getDocumentElement().getElementsByTagName("properties").item(0);
        return Stream.of(text(properties, "gatehouse.jvm.flags").trim().split("\\s+")).toList();
    }

    /**
     * The image runs with the run command's JVM settings (the pom's {@code gatehouse.jvm.flags}, which ./gatehouse and
     * spring-boot:run use), so a memory setting changed in one place is changed in both; only the heap cap differs (a
     * share of the container's limit instead of {@code -Xmx}), and the image adds its writable folder.
     */
    @Test
    void imageWhenBuiltThenTheRunCommandsJvmFlagsWithAHeapShareInsteadOfXmx() throws Exception {
        List<String> runCommand = runCommandFlags().stream().filter(flag -> !flag.startsWith("-Xmx")).toList();

        List<String> image = image().jvmFlags().stream()
                .filter(flag -> !flag.startsWith("-XX:MaxRAMPercentage=") && !flag.startsWith("-Djava.io.tmpdir=")
                        && !flag.startsWith("-Duser.home="))
                .toList();

        assertThat(runCommand).as("the run command's flags besides -Xmx").contains("-Xmn16m", "-XX:TrimNativeHeapInterval=5000");
        assertThat(image).as("the image's flags besides its heap share and writable folder")
                .containsExactlyElementsOf(runCommand);
    }

    @Test
    void deploymentWhenRunThenTheImagesOwnEntrypointFlagsAndUser() throws Exception {
        Image image = image();
        Map<String, Object> pod = podSpec();
        Map<String, Object> container = container();

        assertThat(container).as("the image's entrypoint runs, with its JVM flags").doesNotContainKeys("command", "args");
        assertThat(envNames(container)).as("JVM flags come from the image alone")
                .doesNotContain("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "JAVA_OPTS");
        assertThat(containerPorts(container).values()).containsExactlyElementsOf(image.ports());
        Map<String, Object> podSecurity = map(pod.get("securityContext"));
        assertThat(podSecurity).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", image.uid());
        Map<String, Object> security = map(container.get("securityContext"));
        assertThat(security).containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false);
        assertThat(list(map(security.get("capabilities")).get("drop"))).containsExactly("ALL");
        assertThat(pod).containsEntry("automountServiceAccountToken", false);
    }

    @Test
    void deploymentWhenMountingVolumesThenOnlyTheImagesTmpIsWritable() throws Exception {
        Image image = image();
        Map<String, Map<String, Object>> volumes = new LinkedHashMap<>();
        for (Object v : list(podSpec().get("volumes"))) {
            volumes.put((String) map(v).get("name"), map(v));
        }
        List<String> writable = new ArrayList<>();
        for (Object m : list(container().get("volumeMounts"))) {
            Map<String, Object> mount = map(m);
            if (!Boolean.TRUE.equals(mount.get("readOnly"))) {
                writable.add((String) mount.get("mountPath"));
                assertThat(volumes.get(mount.get("name"))).as("a writable mount is scratch space").containsKey("emptyDir");
            }
        }
        assertThat(writable).containsExactlyElementsOf(image.volumes());
    }

    @Test
    void probesWhenDeclaredThenOnTheManagementPortWhichNoServiceExposes() throws Exception {
        Map<String, Object> container = container();
        Map<String, Integer> ports = containerPorts(container);
        int management = Integer.parseInt(String.valueOf(yaml("src/main/resources/application.yml")
                .stream().map(d -> map(map(map(d).get("management")).get("server")).get("port")).findFirst().orElseThrow()));
        Map<String, String> paths = Map.of("startupProbe", "/actuator/health/liveness",
                "livenessProbe", "/actuator/health/liveness", "readinessProbe", "/actuator/health/readiness");

        paths.forEach((probe, path) -> {
            Map<String, Object> get = map(map(container.get(probe)).get("httpGet"));
            assertThat(get.get("path")).as(probe).isEqualTo(path);
            Object port = get.get("port");
            assertThat(port instanceof String name ? ports.get(name) : port).as(probe).isEqualTo(management);
        });
        assertThat(map(map(podTemplate().get("metadata")).get("annotations")))
                .containsEntry("prometheus.io/port", String.valueOf(management))
                .containsEntry("prometheus.io/path", "/actuator/prometheus");
        for (Map<String, Object> service : documents("Service")) {
            for (Object p : list(map(service.get("spec")).get("ports"))) {
                Object target = map(p).get("targetPort");
                assertThat(target instanceof String name ? ports.get(name) : target).as("a Service's port")
                        .isNotEqualTo(management);
            }
        }
    }

    @Test
    void deploymentWhenScaledThenSeveralReplicasRollingWithoutLosingCapacity() throws IOException {
        Map<String, Object> spec = map(documents("Deployment").get(0).get("spec"));

        assertThat((Integer) spec.get("replicas")).isGreaterThanOrEqualTo(2);
        Map<String, Object> rolling = map(map(spec.get("strategy")).get("rollingUpdate"));
        assertThat(rolling).containsEntry("maxUnavailable", 0);
        assertThat(documents("PodDisruptionBudget")).hasSize(1);
    }

    @Test
    void kustomizationWhenRenderedThenListsEveryManifestAndOnlyThose() throws IOException {
        Map<String, Object> kustomization = map(yaml(KUBERNETES.resolve("kustomization.yaml").toString()).get(0));
        Set<String> listed = new LinkedHashSet<>(list(kustomization.get("resources")).stream().map(String::valueOf).toList());
        Set<String> files = new LinkedHashSet<>();
        try (Stream<Path> all = Files.list(KUBERNETES)) {
            all.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                    .forEach(files::add);
        }
        assertThat(listed).containsExactlyInAnyOrderElementsOf(files);
        assertThat(list(kustomization.get("images")).stream().map(i -> map(i).get("name")))
                .contains(container().get("image"));
    }

    @Test
    void everyVariableWhenSetByADeploymentFileThenADocumentedSetting() throws IOException {
        Set<String> documented = documentedVariables();
        Map<String, String> variables = new LinkedHashMap<>();
        envNames(container()).forEach(name -> variables.put(name, "deployment.yaml"));
        map(documents("ConfigMap").get(0).get("data")).keySet().forEach(name -> variables.put(name, "configmap.yaml"));
        composeGatehouse().forEach(service -> map(service.get("environment")).keySet()
                .forEach(name -> variables.put(name, "compose.yaml")));

        assertThat(variables).isNotEmpty();
        variables.forEach((name, file) -> assertThat(documented).as(name + " in " + file
                + " is not a setting docs/configuration.md documents").contains(name));
    }

    @Test
    void secretsWhenNeededThenReferencedNeverWrittenIntoTheFiles() throws IOException {
        assertThat(documents("Secret")).as("Secrets are created in the cluster, not kept here").isEmpty();
        for (Object e : list(container().get("env"))) {
            Map<String, Object> env = map(e);
            if (SECRET_NAME.matcher((String) env.get("name")).matches()) {
                assertThat(env).as((String) env.get("name")).doesNotContainKey("value");
                assertThat(map(env.get("valueFrom"))).containsKey("secretKeyRef");
            }
        }
        assertThat(map(documents("ConfigMap").get(0).get("data")).keySet())
                .noneMatch(name -> SECRET_NAME.matcher(name).matches());
        for (Map<String, Object> service : composeGatehouse()) {
            map(service.get("environment")).forEach((name, value) -> {
                if (SECRET_NAME.matcher(name).matches()) {
                    assertThat(String.valueOf(value)).as(name).matches("\\$\\{[A-Z_]+:\\?.+}");
                }
            });
        }
        // Nothing that looks like a key (Base64 of 32 bytes) or a password assignment anywhere under deploy/.
        try (Stream<Path> all = Files.walk(Path.of("deploy"))) {
            for (Path file : all.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(file);
                assertThat(text).as(file.toString()).doesNotContainPattern("[A-Za-z0-9+/]{43}=")
                        .doesNotContainPattern("(?i)password\\s*[:=]\\s*[\"']?[A-Za-z0-9]{8,}");
            }
        }
    }

    /**
     * Each concurrent password check holds Argon2's memory on the heap, and each Tomcat thread may be in one: the heap
     * the memory limit gives (the image's share of it) must hold that many plus the application itself.
     */
    @Test
    void memoryLimitWhenEveryThreadHashesAtOnceThenTheHeapHoldsIt() throws Exception {
        Image image = image();
        long argon2Bytes = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("gatehouse.password", PasswordProperties.class).argon2().memoryKib() * 1024L;
        long baseline = 384L << 20;

        Map<String, Object> configMap = map(documents("ConfigMap").get(0).get("data"));
        int threads = Integer.parseInt(String.valueOf(configMap.get("SERVER_TOMCAT_THREADS_MAX")));
        long limit = bytes(String.valueOf(map(map(container().get("resources")).get("limits")).get("memory")));
        assertThat(limit * image.heapShareOfMemory()).as("Kubernetes: heap for %d hashes at once", threads)
                .isGreaterThanOrEqualTo(threads * argon2Bytes + baseline);
        assertThat(map(map(container().get("resources")).get("requests")).get("memory"))
                .as("requested as much as the limit: a node never overcommits it")
                .isEqualTo(map(map(container().get("resources")).get("limits")).get("memory"));

        for (Map<String, Object> service : composeGatehouse()) {
            int composeThreads = Integer.parseInt(String.valueOf(map(service.get("environment")).get("SERVER_TOMCAT_THREADS_MAX")));
            long composeLimit = bytes(String.valueOf(service.get("mem_limit")));
            assertThat(composeLimit * image.heapShareOfMemory()).as("compose")
                    .isGreaterThanOrEqualTo(composeThreads * argon2Bytes + baseline);
        }
    }

    @Test
    void composeWhenRunThenTwoReadOnlyNonRootNodesBehindABalancerThatChecksReadiness() throws Exception {
        Image image = image();
        List<Map<String, Object>> nodes = composeGatehouse();

        assertThat(nodes).hasSizeGreaterThanOrEqualTo(2);
        for (Map<String, Object> node : nodes) {
            assertThat(node).containsEntry("read_only", true).containsEntry("user", image.user())
                    .doesNotContainKeys("command", "entrypoint", "ports");
            assertThat(list(node.get("tmpfs"))).singleElement().asString().startsWith("/tmp:");
        }
        String haproxy = Files.readString(Path.of("deploy/haproxy/haproxy.cfg"));
        assertThat(haproxy).contains("option httpchk GET /actuator/health/readiness")
                .contains("check port " + image.ports().get(1)).contains("http-request deny if { path_beg /actuator }");
        Map<String, Object> services = map(map(yaml(COMPOSE.toString()).get(0)).get("services"));
        for (String name : services.keySet()) {
            if (name.startsWith("gatehouse")) {
                assertThat(haproxy).contains("server " + name + " " + name + ":" + image.ports().get(0));
            }
        }
    }

    /**
     * Each deployment file's nodes, started as the image starts them (its environment, the prod profile over the
     * defaults), have every production setting: the production check finds nothing missing, and the OpenID Connect
     * issuer is the public URL, never one built from a request's Host header (an outside attack in stop 32 changed the
     * issuer with {@code Host: evil.example}). The compose file's nodes were refused at start before: http on
     * localhost, allowed now because it turns secure cookies off.
     */
    @Test
    void everyDeploymentWhenStartedInProdThenNothingMissingAndTheIssuerIsThePublicUrl() throws Exception {
        Map<String, Map<String, Object>> deployments = new LinkedHashMap<>();
        Map<String, Object> kubernetes = new LinkedHashMap<>(map(documents("ConfigMap").get(0).get("data")));
        envNames(container()).forEach(name -> kubernetes.putIfAbsent(name, "from-a-kubernetes-secret"));
        deployments.put("kubernetes", kubernetes);
        List<Map<String, Object>> compose = composeGatehouse();
        for (int i = 0; i < compose.size(); i++) {
            deployments.put("compose node " + i, map(compose.get(i).get("environment")));
        }
        for (Map.Entry<String, Map<String, Object>> deployment : deployments.entrySet()) {
            Map<String, Object> variables = new LinkedHashMap<>(image().environment());
            variables.putAll(deployment.getValue());
            org.springframework.core.env.StandardEnvironment env = new org.springframework.core.env.StandardEnvironment();
            env.getPropertySources().remove(
                    org.springframework.core.env.StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
            env.getPropertySources().remove(
                    org.springframework.core.env.StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
            env.getPropertySources().addLast(new org.springframework.core.env.SystemEnvironmentPropertySource(
                    deployment.getKey(), variables));
            org.springframework.boot.env.YamlPropertySourceLoader loader =
                    new org.springframework.boot.env.YamlPropertySourceLoader();
            for (String file : List.of("application-prod.yml", "application.yml")) {
                loader.load(file, new org.springframework.core.io.ClassPathResource(file))
                        .forEach(source -> env.getPropertySources().addLast(source));
            }
            assertThat(String.valueOf(variables.get("SPRING_PROFILES_ACTIVE"))).isEqualTo("prod");
            assertThat(dev.gatehouse.system.ProductionReadiness.problems(env)).as(deployment.getKey()).isEmpty();
            assertThat(env.getProperty("gatehouse.oidc.issuer")).as(deployment.getKey())
                    .isEqualTo(variables.get("GATEHOUSE_BASE_URL"));
        }
    }

    // --- reading the files ------------------------------------------------------------------------------------

    /** Every documented setting as the environment variable that sets it (and any variable named there). */
    static Set<String> documentedVariables() throws IOException {
        String doc = Files.readString(Path.of("docs/configuration.md"));
        Set<String> names = new LinkedHashSet<>();
        Matcher code = Pattern.compile("`([^`]+)`").matcher(doc);
        while (code.find()) {
            String token = code.group(1).strip();
            if (token.matches("[A-Z][A-Z0-9_]+")) {
                names.add(token);
            } else if (token.matches("[a-z][a-z0-9.-]+[a-z0-9]") && token.contains(".")) {
                // Spring's two spellings: dashes dropped (canonical) or written as underscores.
                String upper = token.toUpperCase(Locale.ROOT).replace('.', '_');
                names.add(upper.replace("-", ""));
                names.add(upper.replace('-', '_'));
            }
        }
        return names;
    }

    static List<Object> yaml(String file) throws IOException {
        List<Object> documents = new ArrayList<>();
        new Yaml().loadAll(Files.readString(Path.of(file))).forEach(d -> {
            if (d != null) {
                documents.add(d);
            }
        });
        return documents;
    }

    static List<Map<String, Object>> documents(String kind) throws IOException {
        List<Map<String, Object>> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(KUBERNETES)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object document : yaml(file.toString())) {
                    if (kind.equals(map(document).get("kind"))) {
                        found.add(map(document));
                    }
                }
            }
        }
        return found;
    }

    static Map<String, Object> podTemplate() throws IOException {
        List<Map<String, Object>> deployments = documents("Deployment");
        assertThat(deployments).hasSize(1);
        return map(map(deployments.get(0).get("spec")).get("template"));
    }

    static Map<String, Object> podSpec() throws IOException {
        return map(podTemplate().get("spec"));
    }

    static Map<String, Object> container() throws IOException {
        List<Object> containers = list(podSpec().get("containers"));
        assertThat(containers).hasSize(1);
        return map(containers.get(0));
    }

    static List<Map<String, Object>> composeGatehouse() throws IOException {
        Map<String, Object> services = map(map(yaml(COMPOSE.toString()).get(0)).get("services"));
        return services.entrySet().stream().filter(e -> e.getKey().startsWith("gatehouse"))
                .map(e -> map(e.getValue())).toList();
    }

    static List<String> envNames(Map<String, Object> container) {
        return list(container.get("env")).stream().map(e -> (String) map(e).get("name")).toList();
    }

    static Map<String, Integer> containerPorts(Map<String, Object> container) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (Object p : list(container.get("ports"))) {
            ports.put((String) map(p).get("name"), (Integer) map(p).get("containerPort"));
        }
        return ports;
    }

    static long bytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Mi|Gi|m|g)").matcher(quantity);
        assertThat(m.matches()).as("a memory size: " + quantity).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "Mi", "m" -> n << 20;
            default -> n << 30;
        };
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }

    private static Element child(Element parent, String name) {
        NodeList children = parent.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? "" : e.getTextContent().strip();
    }

    private static List<String> texts(Element parent, String name) {
        List<String> values = new ArrayList<>();
        NodeList children = parent.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element e && e.getTagName().equals(name)) {
                values.add(e.getTextContent().strip());
            }
        }
        return values;
    }
}
