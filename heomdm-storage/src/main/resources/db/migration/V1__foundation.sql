-- Runs unchanged on PostgreSQL and on H2 in PostgreSQL mode.

-- Idempotency: one row per (consumer, eventId), written in the same transaction as the side effect.
create table processed_messages (
    consumer     varchar(100)             not null,
    event_id     uuid                     not null,
    processed_at timestamp with time zone not null,
    primary key (consumer, event_id)
);

-- Read model: every message sent (or refused) to a customer.
create table customer_messages (
    message_id     uuid                     not null primary key,
    customer_id    varchar(200)             not null,
    channel        varchar(20)              not null,
    recipient      varchar(320)             not null,
    template       varchar(100)             not null,
    subject        varchar(500),
    status         varchar(20)              not null,
    correlation_id varchar(100),
    traceparent    varchar(55),
    created_at     timestamp with time zone not null
);
create index customer_messages_by_customer on customer_messages (customer_id, created_at);

-- What happened to each task; outcome_event_id is the eventId of the TaskCompleted/TaskFailed
-- published for it, kept so that a republished outcome deduplicates downstream.
create table task_outcomes (
    task_event_id    uuid                     not null,
    consumer         varchar(100)             not null,
    outcome_event_id uuid                     not null,
    task_type        varchar(100)             not null,
    queue            varchar(200)             not null,
    status           varchar(20)              not null,
    attempts         integer                  not null,
    detail           varchar(2000),
    correlation_id   varchar(100),
    causation_id     varchar(100),
    traceparent      varchar(55),
    completed_at     timestamp with time zone not null,
    primary key (task_event_id, consumer)
);
