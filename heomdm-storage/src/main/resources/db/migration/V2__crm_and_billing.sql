-- CRM records: one row per customer field, so an update touches only the fields it names.
create table crm_fields (
    customer_id   varchar(200)             not null,
    field         varchar(100)             not null,
    field_value   varchar(4000),
    updated_at    timestamp with time zone not null,
    task_event_id uuid                     not null,
    primary key (customer_id, field)
);

-- The billing ledger: append-only, one row per charge; the charge id makes a charge count once
-- whatever task carried it. An account's balance is the sum of its charges.
create table billing_ledger (
    charge_id     varchar(200)             not null primary key,
    account_id    varchar(200)             not null,
    amount        numeric(18, 2)           not null,
    currency      varchar(3)               not null,
    description   varchar(500),
    task_event_id uuid                     not null,
    recorded_at   timestamp with time zone not null
);
create index billing_ledger_by_account on billing_ledger (account_id);
