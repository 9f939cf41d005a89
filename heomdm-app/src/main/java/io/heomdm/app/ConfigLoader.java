package io.heomdm.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.HashSet;
import java.util.stream.Collectors;

/**
 * Reads {@link HeomdmConfig}: the bundled defaults, then the user's YAML file, then environment
 * variables ({@code HEOMDM_KAFKA_BOOTSTRAP_SERVERS} sets {@code kafka.bootstrapServers}), then
 * validates. Every mistake surfaces as a {@link ConfigException} naming the setting.
 */
public final class ConfigLoader {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("heomdm");
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS) // "revenue" and "email", as the file spells them
            .build();

    private ConfigLoader() {
    }

    public static HeomdmConfig load(Optional<Path> file, Map<String, String> environment) {
        ObjectNode tree = defaults();
        if (file.isPresent()) {
            Path path = file.get();
            if (!Files.isReadable(path)) {
                throw new ConfigException(List.of("--config: cannot read " + path.toAbsolutePath()));
            }
            try {
                JsonNode user = YAML.readTree(path.toFile());
                if (user != null && !user.isMissingNode() && !user.isNull()) {
                    if (!user.isObject()) {
                        throw new ConfigException(List.of(path + ": must be a YAML mapping of settings"));
                    }
                    merge(tree, (ObjectNode) user, "");
                }
            } catch (JsonProcessingException e) {
                throw new ConfigException(List.of(path + ": not valid YAML: " + e.getOriginalMessage()));
            } catch (IOException e) {
                throw new ConfigException(List.of(path + ": " + e.getMessage()));
            }
        }
        Set<String> settingNames = new HashSet<>();
        applyEnvironment(tree, "", environment, settingNames);
        unknownVariables(environment.keySet(), settingNames).forEach(name -> LOG.warn(
                "{} is not a setting and is ignored (the variable of each setting is in docs/configuration-reference.md)", name));
        HeomdmConfig config;
        try {
            config = YAML.treeToValue(tree, HeomdmConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(List.of(path(e) + ": is not a setting; known here: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "))));
        } catch (InvalidFormatException e) {
            throw new ConfigException(List.of(path(e) + (e.getTargetType().isEnum()
                    ? ": must be one of " + String.join(", ", ConfigRules.spellings(e.getTargetType())) + ", was " + e.getValue()
                    : ": '" + e.getValue() + "' is not a valid " + e.getTargetType().getSimpleName())));
        } catch (MismatchedInputException e) {
            throw new ConfigException(List.of(path(e) + ": wrong kind of value (" + e.getOriginalMessage() + ")"));
        } catch (JsonProcessingException e) {
            throw new ConfigException(List.of("configuration: " + e.getOriginalMessage()));
        }
        List<String> problems = config.problems();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private static ObjectNode defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("/heomdm-defaults.yaml")) {
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("the bundled defaults are unreadable", e);
        }
    }

    /** Copies the user's values over the defaults; a key the defaults do not have is kept, so that binding reports it. */
    private static void merge(ObjectNode target, ObjectNode source, String prefix) {
        for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode existing = target.get(e.getKey());
            if (existing instanceof ObjectNode o && e.getValue() instanceof ObjectNode s && !e.getKey().equals("properties")) {
                merge(o, s, prefix + e.getKey() + ".");
            } else {
                target.set(e.getKey(), e.getValue());
            }
        }
    }

    /**
     * HEOMDM_ variables that name no setting: a mistyped secret (HEOMDM_CRM_SIGNINGSECRET for HEOMDM_CRM_SIGNING_SECRET) would
     * otherwise leave webhooks unsigned without a word. The launcher's and the commands' own variables are not settings.
     */
    static List<String> unknownVariables(Set<String> environment, Set<String> settingNames) {
        return environment.stream().filter(n -> n.startsWith("HEOMDM_") && !settingNames.contains(n) && !NOT_SETTINGS.contains(n)
                && !n.startsWith("HEOMDM_TEST_") && !n.startsWith("HEOMDM_BENCH_")).sorted().toList();
    }

    private static final Set<String> NOT_SETTINGS = Set.of("HEOMDM_JAVA_OPTS", "HEOMDM_API_KEY");

    /** Each leaf of the tree may be overridden by HEOMDM_ + its path in upper snake case. */
    private static void applyEnvironment(ObjectNode tree, String prefix, Map<String, String> env, Set<String> settingNames) {
        List<String> names = new ArrayList<>();
        tree.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode child = tree.get(name);
            String path = prefix + snake(name);
            if (child.isObject() && !name.equals("properties")) {
                applyEnvironment((ObjectNode) child, path + "_", env, settingNames);
            } else {
                settingNames.add("HEOMDM_" + path);
                String value = env.get("HEOMDM_" + path);
                if (value != null) {
                    // YAML-typed: "8080" binds to an int, "true" to a boolean, as in the file
                    tree.set(name, new TextNode(value));
                }
            }
        }
    }

    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    /** The configuration is wrong; the message lists every problem, one per line. */
    public static final class ConfigException extends RuntimeException {
        private final List<String> problems;

        public ConfigException(List<String> problems) {
            super("invalid configuration:\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
