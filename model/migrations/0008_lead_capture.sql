-- 0008: lead capture at trade shows. interests lists the products a lead
-- asked about (catalogue product ids, a JSON array like tags); lead_at is
-- when the lead was last captured or re-qualified at the booth of its
-- source_event_id, which the booth counters ("leads today by grade") and the
-- post-show report read.
ALTER TABLE contacts ADD COLUMN interests TEXT;
ALTER TABLE contacts ADD COLUMN lead_at TEXT;
CREATE INDEX contacts_event_lead_at ON contacts(source_event_id, lead_at) WHERE source_event_id IS NOT NULL;
