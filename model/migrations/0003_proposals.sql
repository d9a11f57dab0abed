-- Proposals: find the revisions of one proposal and the ones due to expire.
CREATE INDEX proposals_root ON proposals(root_id, revision);
CREATE INDEX proposals_status_valid ON proposals(status, valid_until);
