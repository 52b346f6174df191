DROP TABLE lead_activities;
DROP TABLE leads;
DROP TABLE campaigns;
DROP TABLE client_documents;
DROP TABLE clients;
