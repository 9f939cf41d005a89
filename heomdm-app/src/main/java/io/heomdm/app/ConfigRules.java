package io.heomdm.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.MessageInterpolator;
import jakarta.validation.Path;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.metadata.ConstraintDescriptor;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import org.hibernate.validator.HibernateValidator;

/**
 * The rules a configuration must keep, each broken one named as "setting: rule, was value": the constraints declared on the
 * records (checked by Hibernate Validator), then the rules that tie settings together.
 */
final class ConfigRules {
    /** Messages are the constraints' own text with their attributes filled in: no resource bundles, no expression language. */
    static final MessageInterpolator RULE_TEXT = new MessageInterpolator() {
        @Override
        public String interpolate(String template, Context context) {
            return rule(template, context.getConstraintDescriptor());
        }

        @Override
        public String interpolate(String template, Context context, Locale locale) {
            return interpolate(template, context);
        }
    };

    /** About 150 ms at start-up once logging runs (measured on 2 cores); no validation.xml is looked for. */
    static final Validator VALIDATOR = Validation.byProvider(HibernateValidator.class).configure().ignoreXmlConfiguration()
            .messageInterpolator(RULE_TEXT).buildValidatorFactory().getValidator();

    private ConfigRules() {
    }

    /** Every rule the configuration breaks, as "setting: rule"; empty when it is valid. */
    static List<String> problems(HeomdmConfig c) {
        List<String> p = new ArrayList<>();
        var violations = VALIDATOR.validate(c);
        violations.stream().sorted(Comparator.comparing(v -> v.getPropertyPath().toString())).forEach(v -> p.add(problem(v)));
        if (violations.stream().anyMatch(v -> v.getInvalidValue() == null)) {
            return p; // the rules below read across settings, and one they need is missing
        }
        if (c.http().tls().keyStore() != null && !c.http().tls().keyStore().isBlank()
                && !java.nio.file.Files.isReadable(java.nio.file.Path.of(c.http().tls().keyStore()))) {
            p.add("http.tls.keyStore: " + c.http().tls().keyStore() + " is not a readable file");
        }
        if (c.kafka().minInsyncReplicas() > c.kafka().replicationFactor()) {
            p.add("kafka.minInsyncReplicas: must be at most kafka.replicationFactor, was " + c.kafka().minInsyncReplicas());
        }
        if (c.kafka().replicationFactor() >= 3 && c.kafka().minInsyncReplicas() < 2) {
            p.add("kafka.minInsyncReplicas: must be at least 2 with replicationFactor " + c.kafka().replicationFactor()
                    + " (with 1, a write acknowledged by one broker is lost with it)");
        }
        if (c.kafka().embedded() && c.kafka().replicationFactor() != 1) {
            p.add("kafka.replicationFactor: must be 1 with the embedded single broker (set kafka.bootstrapServers for a cluster)");
        }
        if (c.kafka().standbyReplicas() > 0) {
            // standby copies mean several instances, and those share their servers: an embedded one is private to its process
            String shared = ": must be set when kafka.standbyReplicas is above 0 (instances share their servers; see docs/configuration.md, two or more instances)";
            if (c.kafka().embedded()) {
                p.add("kafka.bootstrapServers" + shared);
            }
            if (c.sqs().embedded() && !c.tasks().onKafka()) {
                p.add("sqs.endpoint" + shared);
            }
            if (c.database().embedded()) {
                p.add("database.url" + shared);
            }
        }
        if (c.archive().s3().used() && (c.archive().s3().region() == null || c.archive().s3().region().isBlank())) {
            p.add("archive.s3.region: must be set when archive.s3.bucket is, e.g. us-east-1");
        }
        c.analytics().check(p);
        c.decisions().check(p);
        c.campaigns().check(p);
        return p;
    }

    private static String problem(ConstraintViolation<?> v) {
        // a number is repeated; a text is not, as it may be an address with a credential in it (jdbc:...?password=)
        return path(v.getPropertyPath()) + ": " + v.getMessage() + (v.getInvalidValue() instanceof Number n ? ", was " + n : "");
    }

    /** The setting's path as the YAML file spells it: {@code decisions.pricing.tests.summer.productId}, {@code campaigns.gate.caps[0].max}. */
    static String path(Path path) {
        StringBuilder out = new StringBuilder();
        for (Path.Node node : path) {
            if (node.isInIterable()) {
                out.append(node.getKey() != null ? "." + node.getKey() : "[" + node.getIndex() + "]");
            }
            if (node.getName() != null) {
                out.append(out.isEmpty() ? "" : ".").append(node.getName());
            }
        }
        return out.toString();
    }

    /** A constraint's message with its {attribute}s filled in, whole numbers without ".0": the rule as errors and the reference show it. */
    static String rule(String template, ConstraintDescriptor<?> constraint) {
        Matcher m = java.util.regex.Pattern.compile("\\{(\\w+)}").matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Object attribute = constraint.getAttributes().get(m.group(1));
            if (attribute == null) {
                throw new IllegalStateException("a configuration constraint's message must be its rule, not a bundle key: " + template);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(number(attribute)));
        }
        return m.appendTail(out).toString();
    }

    private static String number(Object value) {
        return value instanceof Double d ? BigDecimal.valueOf(d).stripTrailingZeros().toPlainString() : String.valueOf(value);
    }

    /** An enum setting's values as the YAML file spells them ({@code kafka-share}, {@code revenue}). */
    static List<String> spellings(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants()).map(constant -> {
            try {
                var property = enumType.getField(((Enum<?>) constant).name()).getAnnotation(JsonProperty.class);
                return property != null ? property.value() : ((Enum<?>) constant).name().toLowerCase(Locale.ROOT);
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }
}
