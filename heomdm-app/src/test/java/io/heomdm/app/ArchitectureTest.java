package io.heomdm.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** DESIGN.md §2, enforced: dependencies between modules point inward, and a module's internals are its own. */
class ArchitectureTest {
    /** Which other HEOMDM modules each module may depend on. */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("events", Set.of()),
            Map.entry("eventlog", Set.of("events")),
            Map.entry("taskqueue", Set.of("events", "eventlog")),
            Map.entry("storage", Set.of("events")),
            Map.entry("analytics", Set.of("events", "eventlog")),
            Map.entry("decisions", Set.of("events", "eventlog", "taskqueue")),
            // campaigns read the prices decisions publish (DecisionsTopics.PRICES)
            Map.entry("campaigns", Set.of("events", "eventlog", "taskqueue", "storage", "decisions")),
            Map.entry("tasks", Set.of("events", "eventlog", "taskqueue", "storage")),
            Map.entry("reporting", Set.of("events", "eventlog", "storage")),
            Map.entry("archive", Set.of("events", "eventlog")),
            Map.entry("gateway", Set.of("events", "eventlog")),
            Map.entry("embedded", Set.of()),
            Map.entry("bench", Set.of("events", "eventlog", "taskqueue", "embedded")),
            Map.entry("app", Set.of("events", "eventlog", "taskqueue", "storage", "analytics", "decisions", "campaigns", "reporting", "archive", "tasks", "gateway",
                    "embedded", "bench")));

    static ArchRule moduleRules() {
        List<ArchRule> rules = new ArrayList<>();
        for (var module : ALLOWED.entrySet()) {
            String[] forbidden = ALLOWED.keySet().stream()
                    .filter(other -> !other.equals(module.getKey()) && !module.getValue().contains(other))
                    .map(other -> "io.heomdm." + other + "..")
                    .toArray(String[]::new);
            if (forbidden.length > 0) {
                rules.add(noClasses().that().resideInAPackage("io.heomdm." + module.getKey() + "..")
                        .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                        .because("DESIGN.md §2: " + module.getKey() + " may depend only on " + module.getValue()).allowEmptyShould(true));
            }
            rules.add(noClasses().that().resideOutsideOfPackage("io.heomdm." + module.getKey() + "..")
                    .should().dependOnClassesThat().resideInAPackage("io.heomdm." + module.getKey() + ".internal..")
                    .because("a module's internal package is its own").allowEmptyShould(true));
        }
        return CompositeArchRule.of(rules);
    }

    @Test
    void theCodeKeepsTheModuleRules() {
        JavaClasses production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // the other modules' shared test fixtures come as jars (heomdm-storage-*-tests.jar), which the option above does not recognise
                .withImportOption(location -> !location.matches(java.util.regex.Pattern.compile(".*-tests\\.jar.*")))
                .importPackages("io.heomdm");
        assertThat(production.size()).isGreaterThan(50);
        moduleRules().check(production);
    }

    @Test
    void aWrongWayImportBreaksTheRules() throws ClassNotFoundException {
        JavaClasses wrong = new ClassFileImporter().importClasses(Class.forName("io.heomdm.events.WrongWayFixture"));
        assertThat(wrong).hasSize(1);
        assertThatThrownBy(() -> moduleRules().check(wrong)).isInstanceOf(AssertionError.class).hasMessageContaining("WrongWayFixture");
    }
}
