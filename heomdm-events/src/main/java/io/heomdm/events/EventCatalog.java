package io.heomdm.events;

import io.heomdm.events.schema.CampaignTriggered;
import io.heomdm.events.schema.CompetitorPriceObserved;
import io.heomdm.events.schema.CartItemAdded;
import io.heomdm.events.schema.CartItemRemoved;
import io.heomdm.events.schema.CustomerErased;
import io.heomdm.events.schema.CustomerSuppressed;
import io.heomdm.events.schema.DeliveryDecided;
import io.heomdm.events.schema.JourneyDefined;
import io.heomdm.events.schema.CustomerScored;
import io.heomdm.events.schema.CustomerUpdated;
import io.heomdm.events.schema.DemandObserved;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.PriceApproved;
import io.heomdm.events.schema.PriceChanged;
import io.heomdm.events.schema.ProductCatalogued;
import io.heomdm.events.schema.ProductViewed;
import io.heomdm.events.schema.RecommendationsUpdated;
import io.heomdm.events.schema.RecordBillingCharge;
import io.heomdm.events.schema.SegmentDefined;
import io.heomdm.events.schema.SegmentEntered;
import io.heomdm.events.schema.SegmentExited;
import io.heomdm.events.schema.SendNotification;
import io.heomdm.events.schema.TaskCompleted;
import io.heomdm.events.schema.TaskFailed;
import io.heomdm.events.schema.UpdateCrmRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/** Every event, task and outcome type HEOMDM knows, at its current schema version. */
public final class EventCatalog {
    public static final EventType<ProductViewed> PRODUCT_VIEWED =
            new EventType<>("ProductViewed", 2, EventKind.EVENT, ProductViewed.class, "customerId", "a customer viewed a product");
    public static final EventType<CartItemAdded> CART_ITEM_ADDED =
            new EventType<>("CartItemAdded", 2, EventKind.EVENT, CartItemAdded.class, "customerId", "a product was added to a cart");
    public static final EventType<CartItemRemoved> CART_ITEM_REMOVED =
            new EventType<>("CartItemRemoved", 1, EventKind.EVENT, CartItemRemoved.class, "customerId", "a product was removed from a cart");
    public static final EventType<OrderPlaced> ORDER_PLACED =
            new EventType<>("OrderPlaced", 1, EventKind.EVENT, OrderPlaced.class, "customerId", "a customer placed an order");
    public static final EventType<CustomerUpdated> CUSTOMER_UPDATED =
            new EventType<>("CustomerUpdated", 1, EventKind.EVENT, CustomerUpdated.class, "customerId", "contact details, consent or time zone changed");
    public static final EventType<CustomerErased> CUSTOMER_ERASED =
            new EventType<>("CustomerErased", 1, EventKind.EVENT, CustomerErased.class, "customerId", "a customer asked to be forgotten");
    public static final EventType<CustomerSuppressed> CUSTOMER_SUPPRESSED =
            new EventType<>("CustomerSuppressed", 1, EventKind.EVENT, CustomerSuppressed.class, "customerId", "a customer must get no marketing message (or may again)");
    public static final EventType<ProductCatalogued> PRODUCT_CATALOGUED =
            new EventType<>("ProductCatalogued", 2, EventKind.EVENT, ProductCatalogued.class, "productId", "a catalogue entry was created or changed");
    public static final EventType<CompetitorPriceObserved> COMPETITOR_PRICE_OBSERVED =
            new EventType<>("CompetitorPriceObserved", 1, EventKind.EVENT, CompetitorPriceObserved.class, "productId", "a competitor's price for a product was seen");
    public static final EventType<CampaignTriggered> CAMPAIGN_TRIGGERED =
            new EventType<>("CampaignTriggered", 2, EventKind.EVENT, CampaignTriggered.class, "campaignId", "a marketer launched a campaign");
    public static final EventType<SegmentDefined> SEGMENT_DEFINED =
            new EventType<>("SegmentDefined", 1, EventKind.DERIVED, SegmentDefined.class, "name", "a segment was defined through the API");
    public static final EventType<SegmentEntered> SEGMENT_ENTERED =
            new EventType<>("SegmentEntered", 1, EventKind.DERIVED, SegmentEntered.class, "membership", "a customer came to match a segment");
    public static final EventType<SegmentExited> SEGMENT_EXITED =
            new EventType<>("SegmentExited", 1, EventKind.DERIVED, SegmentExited.class, "membership", "a customer stopped matching a segment");
    public static final EventType<CustomerScored> CUSTOMER_SCORED =
            new EventType<>("CustomerScored", 1, EventKind.DERIVED, CustomerScored.class, "customerId", "a customer's churn risk or RFM scores moved");
    public static final EventType<DemandObserved> DEMAND_OBSERVED =
            new EventType<>("DemandObserved", 1, EventKind.DERIVED, DemandObserved.class, "productId", "a product's demand over a closed window, with a forecast");
    public static final EventType<PriceChanged> PRICE_CHANGED =
            new EventType<>("PriceChanged", 1, EventKind.DERIVED, PriceChanged.class, "productId", "the pricing engine decided (or recommended) a product's price");
    public static final EventType<PriceApproved> PRICE_APPROVED =
            new EventType<>("PriceApproved", 1, EventKind.DERIVED, PriceApproved.class, "productId", "a recommended price was approved");
    public static final EventType<RecommendationsUpdated> RECOMMENDATIONS_UPDATED =
            new EventType<>("RecommendationsUpdated", 1, EventKind.DERIVED, RecommendationsUpdated.class, "productId", "an item's top neighbours changed");
    public static final EventType<DeliveryDecided> DELIVERY_DECIDED =
            new EventType<>("DeliveryDecided", 1, EventKind.DERIVED, DeliveryDecided.class, "customerId", "the delivery gate sent, deferred or suppressed a message");
    public static final EventType<JourneyDefined> JOURNEY_DEFINED =
            new EventType<>("JourneyDefined", 1, EventKind.DERIVED, JourneyDefined.class, "id", "a journey was defined through the API");
    public static final EventType<SendNotification> SEND_NOTIFICATION =
            new EventType<>("SendNotification", 1, EventKind.TASK, SendNotification.class, "customerId", "deliver a message to a customer");
    public static final EventType<UpdateCrmRecord> UPDATE_CRM_RECORD =
            new EventType<>("UpdateCrmRecord", 1, EventKind.TASK, UpdateCrmRecord.class, "customerId", "upsert a CRM record");
    public static final EventType<RecordBillingCharge> RECORD_BILLING_CHARGE =
            new EventType<>("RecordBillingCharge", 2, EventKind.TASK, RecordBillingCharge.class, "accountId", "append a charge to a ledger");
    public static final EventType<TaskCompleted> TASK_COMPLETED =
            new EventType<>("TaskCompleted", 1, EventKind.OUTCOME, TaskCompleted.class, "taskEventId", "a task's side effect happened");
    public static final EventType<TaskFailed> TASK_FAILED =
            new EventType<>("TaskFailed", 2, EventKind.OUTCOME, TaskFailed.class, "taskEventId", "a task failed for good");

    private static final Map<String, EventType<?>> BY_NAME = new LinkedHashMap<>();

    static {
        for (EventType<?> t : List.of(PRODUCT_VIEWED, CART_ITEM_ADDED, CART_ITEM_REMOVED, ORDER_PLACED, CUSTOMER_UPDATED,
                CUSTOMER_ERASED, CUSTOMER_SUPPRESSED, PRODUCT_CATALOGUED, COMPETITOR_PRICE_OBSERVED, CAMPAIGN_TRIGGERED, SEGMENT_DEFINED, SEGMENT_ENTERED, SEGMENT_EXITED, CUSTOMER_SCORED, DEMAND_OBSERVED,
                PRICE_CHANGED, PRICE_APPROVED, RECOMMENDATIONS_UPDATED, DELIVERY_DECIDED, JOURNEY_DEFINED,
                SEND_NOTIFICATION, UPDATE_CRM_RECORD, RECORD_BILLING_CHARGE,
                TASK_COMPLETED, TASK_FAILED)) {
            BY_NAME.put(t.name(), t);
        }
    }

    private EventCatalog() {
    }

    public static List<EventType<?>> all() {
        return List.copyOf(BY_NAME.values());
    }

    public static Optional<EventType<?>> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> EventType<T> of(Class<T> javaClass) {
        return (EventType<T>) BY_NAME.values().stream()
                .filter(t -> t.javaClass().equals(javaClass))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not in the catalogue: " + javaClass.getName()));
    }
}
