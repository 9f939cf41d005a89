-- A side effect outside the database (a mail, a webhook) is claimed for a lease before the call
-- and marked done after it, so no pooled connection is held while the call runs. A row whose
-- claimed_until is null is done; one with a time is a call in progress until then.
alter table processed_messages add column claimed_until timestamp with time zone;
