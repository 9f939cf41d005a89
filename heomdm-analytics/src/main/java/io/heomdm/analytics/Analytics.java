package io.heomdm.analytics;

import io.heomdm.analytics.customers.CustomerAnalyticsSettings;
import io.heomdm.analytics.customers.CustomerTopology;
import io.heomdm.analytics.demand.DemandSettings;
import io.heomdm.analytics.demand.DemandTopology;
import io.heomdm.analytics.internal.StreamsApp;
import io.heomdm.analytics.segments.SegmentCatalog;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.TopicAdmin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The analytics layer running: customer analytics (profiles, segments, scores) and product demand,
 * as two Kafka Streams applications. Two, not one, because they key the same input differently
 * (customer, product) and fall behind independently: demand's repartition and windows do not hold
 * up segments, and each has its own consumer lag to watch.
 */
public final class Analytics implements AutoCloseable {
    public static final String CUSTOMERS_APPLICATION_ID = "heomdm-analytics";
    public static final String DEMAND_APPLICATION_ID = "heomdm-analytics-demand";
    private final StreamsApp customers;
    private final StreamsApp demand;

    private Analytics(StreamsApp customers, StreamsApp demand) {
        this.customers = customers;
        this.demand = demand;
    }

    /** Creates the output topics if missing, starts both applications side by side and waits until both run. */
    public static Analytics start(KafkaSettings kafka, Path stateDir, int threads, CustomerAnalyticsSettings customerSettings,
            SegmentCatalog catalog, DemandSettings demandSettings, Duration startTimeout) {
        TopicAdmin.ensure(kafka, AnalyticsTopics.all());
        var customers = CompletableFuture.supplyAsync(() -> StreamsApp.start(CUSTOMERS_APPLICATION_ID,
                CustomerTopology.build(customerSettings, catalog), kafka, stateDir, threads, startTimeout));
        var demand = CompletableFuture.supplyAsync(() -> StreamsApp.start(DEMAND_APPLICATION_ID,
                DemandTopology.build(demandSettings), kafka, stateDir, threads, startTimeout));
        CompletableFuture.allOf(customers, demand).exceptionally(e -> null).join();
        if (customers.isCompletedExceptionally() || demand.isCompletedExceptionally()) {
            for (var app : java.util.List.of(customers, demand)) {
                if (!app.isCompletedExceptionally()) {
                    app.join().close();
                }
            }
            Throwable cause = (customers.isCompletedExceptionally() ? customers : demand).handle((v, e) -> e).join();
            throw new IllegalStateException("analytics did not start: " + cause.getMessage(), cause);
        }
        return new Analytics(customers.join(), demand.join());
    }

    public boolean isRunning() {
        return customers.isRunning() && demand.isRunning();
    }

    @Override
    public void close() {
        CompletableFuture.allOf(CompletableFuture.runAsync(customers::close), CompletableFuture.runAsync(demand::close)).join();
    }
}
