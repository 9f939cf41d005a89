-- The reporting read model: tables a projector fills from the log (heomdm-reporting), each write in
-- the transaction that claims the event's id in processed_messages (consumer 'reports'), so an event
-- seen twice changes nothing. Days (day_utc) are the UTC days of the events' occurredAt. Written for direct SQL
-- too: docs/reporting.md describes each table.

-- each product's latest category, from ProductCatalogued
create table report_products (
    product_id varchar(200) not null primary key,
    category   varchar(200)
);

-- sales per UTC day, product and currency, from OrderPlaced: orders holding the product, units, revenue (quantity x unit price)
create table report_sales_daily (
    day_utc date           not null,
    product_id varchar(200)   not null,
    currency   varchar(3)     not null,
    orders     bigint         not null,
    units      bigint         not null,
    revenue    numeric(38, 2) not null,
    primary key (day_utc, product_id, currency)
);

-- segment entries and exits per UTC day, from SegmentEntered / SegmentExited; a segment's size at the
-- end of a day is the sum of entries less exits up to it
create table report_segment_daily (
    day_utc date         not null,
    segment varchar(200) not null,
    entered bigint       not null,
    exited  bigint       not null,
    primary key (day_utc, segment)
);

-- the delivery gate's decisions per UTC day, source (journey:<id> or campaign:<id>) and outcome, from DeliveryDecided
create table report_campaign_daily (
    day_utc date         not null,
    source    varchar(300) not null,
    outcome   varchar(20)  not null,
    decisions bigint       not null,
    primary key (day_utc, source, outcome)
);

-- each message the gate sent (its delivery id is the eventId of its SendNotification task), to join with the task's outcome
create table report_sent_messages (
    delivery_id varchar(36)  not null primary key,
    source      varchar(300) not null,
    day_utc date         not null
);

-- every task's outcome, from TaskCompleted / TaskFailed; dead_lettered: the task went to its queue's dead letters
create table report_task_outcomes (
    task_event_id varchar(36)  not null primary key,
    task_type     varchar(100) not null,
    queue         varchar(100) not null,
    completed     boolean      not null,
    dead_lettered boolean      not null,
    day_utc date         not null
);
create index report_task_outcomes_by_day on report_task_outcomes (day_utc, dead_lettered);
