//! Where a webhook may go (`domain::ops::webhook_targets`): checked when an endpoint is
//! saved (its scheme, and its host when that is an address or `localhost`), and before
//! every delivery on the addresses its host resolves to then; the
//! request connects to exactly those checked addresses, so a DNS answer that changes
//! between the check and the connection (rebinding) cannot reach another host.

use crate::config::WebhookSettings;
use crate::error::{AppError, AppResult};
use domain::ops::webhook_targets::AllowList;
use domain::ErrorCode;
use std::net::{IpAddr, SocketAddr};
use url::{Host, Url};

/// An http(s) URL with a host, or why not.
fn parse(raw: &str) -> Result<Url, String> {
    let url = Url::parse(raw).map_err(|error| format!("it is not a URL ({error})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("only http:// and https:// URLs are allowed".to_owned());
    }
    if url.host().is_none() {
        return Err("it has no host".to_owned());
    }
    Ok(url)
}

/// The host as the allow-list names it (IPv6 without brackets).
fn host_name(url: &Url) -> String {
    match url.host() {
        Some(Host::Ipv6(ip)) => ip.to_string(),
        Some(host) => host.to_string(),
        None => String::new(),
    }
}

fn literal(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        Host::Ipv4(ip) => Some(ip.into()),
        Host::Ipv6(ip) => Some(ip.into()),
        Host::Domain(_) => None,
    }
}

async fn lookup(url: &Url) -> std::io::Result<Vec<SocketAddr>> {
    let port = url.port_or_known_default().unwrap_or(443);
    if let Some(ip) = literal(url) {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    Ok(tokio::net::lookup_host((host_name(url), port)).await?.collect())
}

/// The first of `addresses` the allow-list does not permit, as a refusal.
fn refused(url: &Url, addresses: &[SocketAddr], allowed: &AllowList) -> Option<String> {
    let host = host_name(url);
    addresses.iter().find(|address| !allowed.permits(&host, address.ip())).map(|address| {
        let ip = address.ip();
        if host == ip.to_string() {
            format!("{ip} is not a public address (see WEBHOOK_ALLOWED_HOSTS)")
        } else {
            format!("{host} resolves to {ip}, which is not a public address (see WEBHOOK_ALLOWED_HOSTS)")
        }
    })
}

/// Checks an endpoint's URL as it is saved: 400 `WEBHOOK_URL_NOT_ALLOWED` unless it is
/// http(s) and its host is a public address, a name other than `localhost`, or named by
/// the allow-list. Names are not resolved here (a lookup could hang the request, and the
/// answer may change): every delivery resolves and checks them.
pub fn check(raw: &str, allowed: &AllowList) -> AppResult<()> {
    let refusal = |reason: String| {
        let detail = format!("Webhooks cannot be sent to this URL: {reason}");
        let mut error = AppError::new(ErrorCode::WebhookUrlNotAllowed, detail);
        error.errors = vec![domain::FieldError { field: "url".into(), code: "not_allowed".into(), message: reason }];
        error
    };
    let url = parse(raw).map_err(refusal)?;
    let host = host_name(&url);
    let loopback_name = host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost");
    let addresses: Vec<SocketAddr> = match literal(&url) {
        Some(ip) => vec![SocketAddr::new(ip, 0)],
        // RFC 6761: localhost names are this machine.
        None if loopback_name => vec![SocketAddr::from(([127, 0, 0, 1], 0))],
        None => return Ok(()),
    };
    refused(&url, &addresses, allowed).map_or(Ok(()), |reason| Err(refusal(reason)))
}

/// A client that sends to the endpoint's URL through the addresses its host resolves to
/// now, each checked; the error says why there is none. No proxy (it would connect
/// elsewhere) and no redirects (a redirect could point anywhere): a 3xx is a failure.
pub async fn client(raw: &str, settings: &WebhookSettings) -> Result<(Url, reqwest::Client), String> {
    let url = parse(raw)?;
    let addresses = match tokio::time::timeout(settings.timeout, lookup(&url)).await {
        Ok(found) => found.map_err(|error| format!("{} does not resolve: {error}", host_name(&url)))?,
        Err(_) => return Err(format!("{} did not resolve within {} s", host_name(&url), settings.timeout.as_secs())),
    };
    if addresses.is_empty() {
        return Err(format!("{} has no address", host_name(&url)));
    }
    if let Some(reason) = refused(&url, &addresses, &settings.allowed_hosts) {
        return Err(format!("refused: {reason}"));
    }
    let mut builder = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(settings.timeout)
        .user_agent("MarketingOS-Webhooks/1");
    if let Some(Host::Domain(domain)) = url.host() {
        builder = builder.resolve_to_addrs(domain, &addresses);
    }
    let client = builder.build().map_err(|error| format!("the HTTP client cannot be built: {error}"))?;
    Ok((url, client))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(allowed: &str) -> WebhookSettings {
        WebhookSettings {
            allowed_hosts: AllowList::parse(allowed).unwrap(),
            timeout: std::time::Duration::from_secs(1),
        }
    }

    #[tokio::test]
    async fn loopback_and_private_targets_need_the_allow_list() {
        for url in ["http://127.0.0.1:9/hook", "http://[::1]/", "http://169.254.169.254/latest", "http://localhost/"] {
            let error = check(url, &AllowList::default()).unwrap_err();
            assert_eq!(error.code, ErrorCode::WebhookUrlNotAllowed, "{url}");
            assert!(client(url, &settings("")).await.unwrap_err().starts_with("refused: "), "{url}");
        }
        assert!(check("http://127.0.0.1:9/hook", &AllowList::parse("127.0.0.1").unwrap()).is_ok());
        assert!(check("http://hooks.example.com/in", &AllowList::default()).is_ok(), "names are checked when sent");
        assert!(client("http://localhost:9/", &settings("localhost")).await.is_ok(), "an allowed name");
        assert!(check("http://93.184.216.34/hook", &AllowList::default()).is_ok(), "public");
    }

    #[test]
    fn only_http_urls_with_a_host() {
        for url in ["ftp://example.com/", "file:///etc/passwd", "not a url", "http://"] {
            assert_eq!(check(url, &AllowList::default()).unwrap_err().code, ErrorCode::WebhookUrlNotAllowed, "{url}");
        }
    }
}
