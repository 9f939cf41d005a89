package io.heomdm.gateway;

import io.heomdm.eventlog.Dataflow;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventKind;
import io.heomdm.events.EventType;
import java.util.List;

/** What the gateway writes: every market event a client sends, each to its topic ({@link EventIngestion} accepts exactly these). */
public final class GatewayDataflows {
    public static final Dataflow INGESTION = ingestion();

    private GatewayDataflows() {
    }

    private static Dataflow ingestion() {
        List<EventType<?>> accepted = EventCatalog.all().stream().filter(t -> t.kind() == EventKind.EVENT).toList();
        var flow = Dataflow.of("POST /v1/events", "market events from clients (and DELETE /v1/customers/{id}: CustomerErased)")
                .readsFromOutside("clients of the API", accepted.toArray(EventType<?>[]::new));
        for (var topic : MarketTopics.all()) {
            EventType<?>[] types = accepted.stream().filter(t -> topic.carries(t.name())).toArray(EventType<?>[]::new);
            if (types.length > 0) {
                flow.writes(topic, types);
            }
        }
        return flow.build();
    }
}
