package io.heomdm.app.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventKind;
import io.heomdm.events.EventType;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.taskqueue.TaskQueues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogDocumentTest {
    static final Path CHECKED_IN = Path.of("..", "docs", "catalog.md");

    @Test
    void everyTypeHasAChannelAProducerAndAConsumer() {
        assertThat(CatalogDocument.platform().gaps()).isEmpty();
    }

    @Test
    void aTypeNobodyDeclaresFailsTheCheck() {
        List<EventType<?>> types = new ArrayList<>(EventCatalog.all());
        types.add(new EventType<>("OrderRefunded", 1, EventKind.EVENT, OrderPlaced.class, "customerId", "a fixture no part declares"));
        var catalog = new CatalogDocument(types, PlatformDataflows.all(), PlatformDataflows.topics().values(), TaskQueues.all());
        assertThat(catalog.gaps()).containsExactly(
                "OrderRefunded travels on no topic or queue",
                "OrderRefunded has no producer: declare it in the Dataflow of the part that writes it",
                "OrderRefunded has no consumer: declare it in the Dataflow of the part that reads it (or of one outside HEOMDM)");
    }

    @Test
    void docsCatalogIsCurrent() throws IOException {
        String generated = CatalogDocument.platform().markdown();
        if (Boolean.getBoolean("catalog.write")) {
            Files.writeString(CHECKED_IN, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(CHECKED_IN, StandardCharsets.UTF_8))
                .as("docs/catalog.md is out of date: run ./heomdm catalog --write docs/catalog.md")
                .isEqualTo(generated);
    }

    @Test
    void eachTypeIsDescribedWithItsFieldsVersionsAndParties() {
        String md = CatalogDocument.platform().markdown();
        assertThat(md).contains("### OrderPlaced", "| `total` | decimal(18,2) | ≥ 0 |", "| `email` | string or null | ≤ 254 characters |",
                "[OrderLine](#orderline)", "### OrderLine")
                .contains("### ProductViewed", "v1, v2 (current; earlier ones in `schema-history/ProductViewed`); v2 reads data written by every earlier version")
                .contains("- Written by: decisions.order-confirmation, campaigns.dispatcher")
                .contains("| `billing.fifo` | FIFO per key, deduplicated | 30 s | 5 | `billing-dlq.fifo` | RecordBillingCharge |");
    }
}
