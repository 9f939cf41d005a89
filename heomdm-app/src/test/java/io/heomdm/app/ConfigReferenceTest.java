package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {
    static final Path CHECKED_IN = Path.of("..", "docs", "configuration-reference.md");

    @Test
    void everySettingHasADefaultAndADescription() throws IOException {
        var reference = new ConfigReference();
        reference.markdown();
        assertThat(reference.gaps()).isEmpty();
    }

    @Test
    void docsConfigurationReferenceIsCurrent() throws IOException {
        String generated = new ConfigReference().markdown();
        if (Boolean.getBoolean("config.write")) {
            Files.writeString(CHECKED_IN, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(CHECKED_IN, StandardCharsets.UTF_8))
                .as("docs/configuration-reference.md is out of date: ./mvnw -pl heomdm-app test -Dtest=ConfigReferenceTest -Dconfig.write=true")
                .isEqualTo(generated);
    }

    @Test
    void everyVariableTheDocumentationNamesIsASetting() throws IOException {
        var reference = new ConfigReference();
        reference.markdown();
        Path root = CHECKED_IN.getParent().getParent();
        Set<String> named = new TreeSet<>();
        List<Path> documents = new ArrayList<>(List.of(root.resolve("README.md"), root.resolve("heomdm-app/src/main/resources/heomdm-defaults.yaml")));
        try (var docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md") && !p.endsWith(CHECKED_IN.getFileName())).forEach(documents::add);
        }
        for (Path document : documents) {
            Matcher m = Pattern.compile("HEOMDM_[A-Z0-9_]*[A-Z0-9]").matcher(Files.readString(document));
            while (m.find()) {
                named.add(m.group());
            }
        }
        assertThat(named).as("variables the documentation names").hasSizeGreaterThan(10);
        assertThat(ConfigLoader.unknownVariables(named, reference.variables())).as("named in the documentation but no setting's").isEmpty();
    }

    @Test
    void eachSettingShowsItsTypeDefaultRuleAndEnvironmentName() throws IOException {
        String md = new ConfigReference().markdown();
        assertThat(md).contains("| `http.port`<br>`HEOMDM_HTTP_PORT` | integer | `8080` | must be between 0 and 65535 |")
                .contains("| `tasks.transport`<br>`HEOMDM_TASKS_TRANSPORT` | `sqs`, `kafka-share` | `\"sqs\"` | must be set |")
                .contains("| `decisions.pricing.maxChangePercent`<br>`HEOMDM_DECISIONS_PRICING_MAX_CHANGE_PERCENT` | number | `10` | must be between 0.1 and 100 |")
                .contains("### `decisions.pricing`");
    }
}
