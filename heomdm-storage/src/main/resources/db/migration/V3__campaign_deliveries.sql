-- Every delivery gate decision of the campaign service (sent, deferred, suppressed), one row per
-- decision; delivery_id is the message's idempotency key (the eventId of the task it became), so a
-- deferred message has a DEFERRED row and later a SENT row under the same delivery_id.
create table campaign_deliveries (
    decision_id    uuid                     not null primary key,
    delivery_id    uuid                     not null,
    customer_id    varchar(200)             not null,
    source         varchar(200)             not null,
    step           varchar(100)             not null,
    channel        varchar(20)              not null,
    template       varchar(100)             not null,
    outcome        varchar(20)              not null,
    reason         varchar(500),
    deferred_until timestamp with time zone,
    decided_at     timestamp with time zone not null
);
create index campaign_deliveries_by_customer on campaign_deliveries (customer_id, decided_at);
create index campaign_deliveries_by_source on campaign_deliveries (source, outcome);
