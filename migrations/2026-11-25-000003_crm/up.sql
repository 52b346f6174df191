-- CRM core: clients (with document metadata), campaigns, leads and lead activities.

CREATE TABLE clients (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(200) NOT NULL,
    email VARCHAR(254),
    phone VARCHAR(50),
    company VARCHAR(200),
    website VARCHAR(2048),
    logo_url VARCHAR(2048),
    service_tags TEXT[] NOT NULL DEFAULT '{}',
    status VARCHAR(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'archived')),
    assigned_to_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    notes TEXT,
    social_links JSONB NOT NULL DEFAULT '{}'::jsonb,
    stripe_customer_id VARCHAR(255),
    stripe_subscription_id VARCHAR(255),
    display_order INTEGER NOT NULL DEFAULT 0,
    archived_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX clients_created_order_idx ON clients (created_at DESC, id DESC);
CREATE INDEX clients_name_idx ON clients (name, id);
CREATE INDEX clients_display_order_idx ON clients (display_order, id);
CREATE INDEX clients_status_idx ON clients (status);
CREATE INDEX clients_assigned_idx ON clients (assigned_to_id);
-- Backs the clients list's `q` search (the same expression as storage::clients).
CREATE INDEX clients_search_idx ON clients USING gin (
    (name || ' ' || coalesce(email, '') || ' ' || coalesce(company, '') || ' ' || coalesce(phone, ''))
    gin_trgm_ops);

-- Metadata of files stored elsewhere (object storage arrives with the files issue).
CREATE TABLE client_documents (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id UUID NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    name VARCHAR(255) NOT NULL,
    description TEXT,
    object_path VARCHAR(1024) NOT NULL,
    file_type VARCHAR(255),
    file_size INTEGER CHECK (file_size >= 0),
    uploaded_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX client_documents_client_idx ON client_documents (client_id, created_at DESC, id DESC);

CREATE TABLE campaigns (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id UUID NOT NULL REFERENCES clients (id),
    name VARCHAR(200) NOT NULL,
    type VARCHAR(50) NOT NULL,
    status VARCHAR(16) NOT NULL DEFAULT 'planning'
        CHECK (status IN ('planning', 'active', 'paused', 'completed', 'cancelled')),
    start_date TIMESTAMPTZ,
    end_date TIMESTAMPTZ,
    budget INTEGER CHECK (budget >= 0),
    description TEXT,
    goals TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX campaigns_created_order_idx ON campaigns (created_at DESC, id DESC);
CREATE INDEX campaigns_client_idx ON campaigns (client_id, created_at DESC);
CREATE INDEX campaigns_status_idx ON campaigns (status);
CREATE INDEX campaigns_name_idx ON campaigns (name, id);
CREATE INDEX campaigns_start_idx ON campaigns (start_date, id);

CREATE TABLE leads (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id UUID REFERENCES clients (id) ON DELETE SET NULL,
    assigned_to_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    name VARCHAR(200) NOT NULL,
    first_name VARCHAR(100),
    last_name VARCHAR(100),
    email VARCHAR(254),
    phone VARCHAR(50),
    company VARCHAR(200),
    job_title VARCHAR(200),
    website VARCHAR(2048),
    stage VARCHAR(16) NOT NULL DEFAULT 'prospect'
        CHECK (stage IN ('prospect', 'contacted', 'qualified', 'proposal', 'closed_won', 'closed_lost')),
    score VARCHAR(8) NOT NULL DEFAULT 'warm' CHECK (score IN ('hot', 'warm', 'cold')),
    ai_score INTEGER CHECK (ai_score BETWEEN 0 AND 100),
    status VARCHAR(50) NOT NULL DEFAULT 'new',
    source VARCHAR(16) NOT NULL DEFAULT 'website',
    value INTEGER CHECK (value >= 0),
    tags TEXT[] NOT NULL DEFAULT '{}',
    social_links JSONB NOT NULL DEFAULT '{}'::jsonb,
    location VARCHAR(200),
    industry VARCHAR(100),
    next_follow_up_date TIMESTAMPTZ,
    notes TEXT,
    converted_client_id UUID REFERENCES clients (id) ON DELETE SET NULL,
    converted_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX leads_created_order_idx ON leads (created_at DESC, id DESC);
CREATE INDEX leads_name_idx ON leads (name, id);
CREATE INDEX leads_value_idx ON leads (value, id);
CREATE INDEX leads_follow_up_idx ON leads (next_follow_up_date, id);
CREATE INDEX leads_stage_idx ON leads (stage);
CREATE INDEX leads_score_idx ON leads (score);
CREATE INDEX leads_source_idx ON leads (source);
CREATE INDEX leads_status_idx ON leads (status);
CREATE INDEX leads_assigned_idx ON leads (assigned_to_id);
CREATE INDEX leads_client_idx ON leads (client_id);
-- Backs the leads list's `q` search (the same expression as storage::leads).
CREATE INDEX leads_search_idx ON leads USING gin (
    (name || ' ' || coalesce(email, '') || ' ' || coalesce(company, '') || ' ' || coalesce(phone, ''))
    gin_trgm_ops);
-- Duplicate detection: one lead per email (any case) and per phone number (digits only).
CREATE UNIQUE INDEX leads_email_key ON leads (lower(email)) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX leads_phone_key ON leads (regexp_replace(phone, '[^0-9]', '', 'g'))
    WHERE regexp_replace(phone, '[^0-9]', '', 'g') <> '';

CREATE TABLE lead_activities (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    lead_id UUID NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    type VARCHAR(16) NOT NULL CHECK (type IN ('call', 'email', 'sms', 'meeting', 'note', 'stage_change')),
    subject VARCHAR(200),
    description TEXT,
    metadata JSONB,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX lead_activities_lead_idx ON lead_activities (lead_id, created_at DESC, id DESC);
