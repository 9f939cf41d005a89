package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.heomdm.events.EventIds;
import io.heomdm.events.JsonPayloads;
import io.heomdm.gateway.EventIngestion;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What the simulator sends through the API (heomdm simulate, up --simulate) passes the edge's rules: 2 KB events included. */
class SimulatedMarketIsValidInputTest {
    @Test
    void everySimulatedEventIsAcceptedByIngestion() throws Exception {
        var json = new ObjectMapper();
        var simulator = SimulateCommand.simulator(42, 2_000, 500, 2_048);
        var ingestion = new EventIngestion(new EventIds(InstantSource.system(), new SplittableRandom(1)), InstantSource.system());
        Instant now = Instant.now();
        java.util.List<io.heomdm.events.Event<? extends org.apache.avro.specific.SpecificRecord>> all = new java.util.ArrayList<>(simulator.catalogue(now));
        for (long seq = 0; seq < 5_000; seq++) {
            all.add(simulator.next(seq, now));
        }
        for (var e : all) {
            var item = new LinkedHashMap<String, Object>();
            item.put("eventId", e.envelope().eventId().toString());
            item.put("type", e.envelope().type());
            item.put("data", JsonPayloads.toJson(e.payload()));
            var parsed = ingestion.parse(json.writeValueAsString(item), null);
            assertThat(parsed.violations()).as(e.envelope().type()).isEmpty();
        }
    }
}
