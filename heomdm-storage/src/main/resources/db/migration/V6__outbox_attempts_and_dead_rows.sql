-- A row that its destination refuses is tried again later (not_before moves on with a backoff, so it
-- never holds the rows behind it) and, after a number of attempts, moved to outbox_dead, where an
-- operator sees it (heomdm dlq) and replays or purges it. A relay claims rows by moving their
-- not_before to the end of a lease: several relays on one database share the work, and the rows of
-- a relay that died come back when its lease ends.
alter table outbox add column attempts integer default 0 not null;
alter table outbox add column last_error varchar(1000);

create table outbox_dead (
    seq            bigint                   not null primary key,
    destination    varchar(250)             not null,
    event_id       uuid                     not null,
    event_type     varchar(100)             not null,
    schema_version integer                  not null,
    event_key      varchar(200)             not null,
    occurred_at    timestamp with time zone not null,
    correlation_id varchar(100),
    causation_id   varchar(100),
    traceparent    varchar(55),
    payload        bytea                    not null,
    attempts       integer                  not null,
    last_error     varchar(1000),
    dead_at        timestamp with time zone not null
);
