-- 0005: a contact's photo, kept as a data: URI (data:image/jpeg;base64,…) in
-- the row itself so that it syncs, backs up and exports with the contact.
-- Importers scale photos down first (see importer/photo.go), so it stays small.
ALTER TABLE contacts ADD COLUMN photo TEXT NOT NULL DEFAULT '';
