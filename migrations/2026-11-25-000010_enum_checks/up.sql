-- Every column that stores a domain enum accepts only that enum's values (the strings
-- `domain`'s strum derives write). Most got their CHECK with their table; these three
-- did not. A value outside the list is refused on write, and one that got in some other
-- way is a logged read error, never a silent default.
ALTER TABLE leads ADD CONSTRAINT leads_source_check
    CHECK (source IN ('website', 'referral', 'social', 'manual', 'import', 'email', 'event', 'advertising', 'other'));

ALTER TABLE api_keys ADD CONSTRAINT api_keys_scopes_check
    CHECK (scopes <@ ARRAY['api:full', 'api:read']::TEXT[]);

ALTER TABLE calendar_sync_state ADD CONSTRAINT calendar_sync_state_provider_check
    CHECK (provider IN ('google', 'microsoft'));
