package io.heomdm.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaEvolutionTest {

    static List<EventType<?>> catalogue() {
        return EventCatalog.all();
    }

    @ParameterizedTest
    @MethodSource("catalogue")
    void everyCurrentSchemaReadsEveryEarlierVersion(EventType<?> type) {
        List<Schema> history = SchemaEvolution.history(type);
        assertThat(history).hasSize(type.version() - 1);
        assertThat(SchemaEvolution.incompatibilities(type.schema(), history)).isEmpty();
        // and the current one reads itself, the case every version starts from
        assertThat(SchemaEvolution.incompatibilities(type.schema(), List.of(type.schema()))).isEmpty();
    }

    @Test
    void theCheckerAcceptsAnOptionalNewFieldAndRefusesARequiredOne() throws IOException {
        Schema v1 = load("Order-v1.avsc");
        assertThat(SchemaEvolution.incompatibilities(load("Order-v2-compatible.avsc"), List.of(v1))).isEmpty();
        assertThat(SchemaEvolution.incompatibilities(load("Order-v2-breaking.avsc"), List.of(v1)))
                .singleElement().asString().contains("cannot read v1").contains("amount");
    }

    @Test
    void catalogueNamesAreUniqueAndKeyFieldsExist() {
        assertThat(EventCatalog.all()).extracting(EventType::name).doesNotHaveDuplicates();
        assertThat(EventCatalog.all()).allSatisfy(t -> assertThat(t.schema().getField(t.keyField())).isNotNull());
    }

    private static Schema load(String name) throws IOException {
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/evolution/" + name)) {
            return new Schema.Parser().parse(in);
        }
    }
}
