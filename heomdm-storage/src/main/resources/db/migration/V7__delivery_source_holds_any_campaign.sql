-- A delivery's source is "campaign:" or "journey:" and an id a client chose, up to 200 characters
-- (FieldLimits.DEFAULT_MAX_LENGTH): 200 could not hold a campaign id at its limit, and the
-- dispatcher parked every delivery of such a campaign.
alter table campaign_deliveries alter column source set data type varchar(255);
