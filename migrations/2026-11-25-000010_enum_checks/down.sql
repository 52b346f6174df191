ALTER TABLE calendar_sync_state DROP CONSTRAINT IF EXISTS calendar_sync_state_provider_check;
ALTER TABLE api_keys DROP CONSTRAINT IF EXISTS api_keys_scopes_check;
ALTER TABLE leads DROP CONSTRAINT IF EXISTS leads_source_check;
