//! CRM endpoints: leads (with their activities, CSV import and export), clients (with their
//! documents) and campaigns.

pub mod leads {
    use crate::api::{
        get_page, list_path, post, post_blob, post_empty, record_endpoints, with_query, ApiResult, Paged,
    };
    use domain::crm::clients::Client;
    use domain::crm::lead_imports::{ImportParams, LeadImport};
    use domain::crm::leads::{
        CreateLeadActivityRequest, CreateLeadRequest, Lead, LeadActivity, LeadFilter, UpdateLeadRequest,
    };
    use domain::pagination::PageParams;
    use std::future::Future;
    use uuid::Uuid;

    pub fn list(filter: &LeadFilter, page: PageParams) -> impl Future<Output = ApiResult<Paged<Lead>>> {
        get_page(list_path("/api/leads", filter, page))
    }

    record_endpoints!("/api/leads", Uuid, Lead, CreateLeadRequest, UpdateLeadRequest);

    pub fn delete(id: Uuid) -> impl Future<Output = ApiResult<()>> {
        crate::api::delete(format!("/api/leads/{id}"))
    }

    /// Creates a client from the lead's contact details; the lead moves to Closed won.
    pub fn convert(id: Uuid) -> impl Future<Output = ApiResult<Client>> {
        post_empty(format!("/api/leads/{id}/convert"))
    }

    /// The timeline, newest first.
    pub fn activities(id: Uuid, page: PageParams) -> impl Future<Output = ApiResult<Paged<LeadActivity>>> {
        get_page(list_path(format!("/api/leads/{id}/activities"), &(), page))
    }

    pub fn log_activity(id: Uuid, body: &CreateLeadActivityRequest) -> impl Future<Output = ApiResult<LeadActivity>> {
        post(format!("/api/leads/{id}/activities"), body)
    }

    /// The CSV download of the leads `filter` matches, in its sort; the session cookie
    /// authenticates the browser's plain GET of it.
    pub fn export_href(filter: &LeadFilter) -> String {
        with_query("/api/leads/export", filter)
    }

    /// Starts a background import of a CSV file (202); [`import_status`] follows it.
    pub fn import(params: &ImportParams, csv: web_sys::Blob) -> impl Future<Output = ApiResult<LeadImport>> {
        post_blob(with_query("/api/leads/import", params), "text/csv", csv)
    }

    pub fn import_status(id: Uuid) -> impl Future<Output = ApiResult<LeadImport>> {
        crate::api::get(format!("/api/leads/imports/{id}"))
    }
}

pub mod clients {
    use crate::api::{get_page, list_path, post, record_endpoints, with_query, ApiResult, Paged};
    use domain::crm::clients::{
        Client, ClientDocument, ClientFilter, CreateClientDocumentRequest, CreateClientRequest, UpdateClientRequest,
    };
    use domain::pagination::PageParams;
    use std::future::Future;
    use uuid::Uuid;

    pub fn list(filter: &ClientFilter, page: PageParams) -> impl Future<Output = ApiResult<Paged<Client>>> {
        get_page(list_path("/api/clients", filter, page))
    }

    record_endpoints!("/api/clients", Uuid, Client, CreateClientRequest, UpdateClientRequest);

    /// Archives the client (its history is kept).
    pub fn archive(id: Uuid) -> impl Future<Output = ApiResult<()>> {
        crate::api::delete(format!("/api/clients/{id}"))
    }

    /// The CSV download of the clients `filter` matches (see [`super::leads::export_href`]).
    pub fn export_href(filter: &ClientFilter) -> String {
        with_query("/api/clients/export", filter)
    }

    pub fn documents(client: Uuid, page: PageParams) -> impl Future<Output = ApiResult<Paged<ClientDocument>>> {
        get_page(list_path(format!("/api/clients/{client}/documents"), &(), page))
    }

    pub fn add_document(
        client: Uuid,
        body: &CreateClientDocumentRequest,
    ) -> impl Future<Output = ApiResult<ClientDocument>> {
        post(format!("/api/clients/{client}/documents"), body)
    }

    pub fn remove_document(client: Uuid, document: Uuid) -> impl Future<Output = ApiResult<()>> {
        crate::api::delete(format!("/api/clients/{client}/documents/{document}"))
    }
}

pub mod campaigns {
    use crate::api::{get_page, list_path, record_endpoints, ApiResult, Paged};
    use domain::crm::campaigns::{Campaign, CampaignFilter, CreateCampaignRequest, UpdateCampaignRequest};
    use domain::pagination::PageParams;
    use std::future::Future;
    use uuid::Uuid;

    pub fn list(filter: &CampaignFilter, page: PageParams) -> impl Future<Output = ApiResult<Paged<Campaign>>> {
        get_page(list_path("/api/campaigns", filter, page))
    }

    record_endpoints!("/api/campaigns", Uuid, Campaign, CreateCampaignRequest, UpdateCampaignRequest);

    pub fn delete(id: Uuid) -> impl Future<Output = ApiResult<()>> {
        crate::api::delete(format!("/api/campaigns/{id}"))
    }
}
