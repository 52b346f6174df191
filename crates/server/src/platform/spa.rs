//! The built web app (`STATIC_DIR`): its files, with content-hashed assets cached for a
//! year and everything else revalidated, and `index.html` for any other GET outside
//! `/api`, `/health` and `/metrics` so that client-side routes survive a reload.

use actix_files::NamedFile;
use actix_web::http::header::{HeaderValue, CACHE_CONTROL};
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse};
use std::path::{Path, PathBuf};

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
pub const REVALIDATE: &str = "no-cache";

/// Paths the web app never answers: their misses stay problem+json.
pub fn is_reserved(path: &str) -> bool {
    ["/api", "/health", "/metrics"]
        .iter()
        .any(|prefix| path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

/// `name-<8+ hex digits>.ext`, the names `cargo xtask` gives bundled assets.
pub fn is_hashed(name: &str) -> bool {
    let Some((stem, _)) = name.rsplit_once('.') else { return false };
    let Some((_, hash)) = stem.rsplit_once('-') else { return false };
    hash.len() >= 8 && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The file under `dir` a request path names, refusing dot-segments and escapes.
fn file_for(dir: &Path, path: &str) -> Option<PathBuf> {
    let mut file = dir.to_path_buf();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        if segment.starts_with('.') || segment.contains(['\\', '%', '\0']) {
            return None;
        }
        file.push(segment);
    }
    file.is_file().then_some(file)
}

/// The response for a request no route matched, or `None` when the web app does not
/// answer it (not GET/HEAD, a reserved path, or a missing file with an extension).
pub async fn serve(dir: &Path, req: &HttpRequest) -> Option<HttpResponse> {
    if !matches!(*req.method(), Method::GET | Method::HEAD) || is_reserved(req.path()) {
        return None;
    }
    let (file, cache) = match file_for(dir, req.path()) {
        Some(file) => {
            let hashed = file.file_name().and_then(|n| n.to_str()).is_some_and(is_hashed);
            (file, if hashed { IMMUTABLE } else { REVALIDATE })
        }
        // A missing asset is a 404, not the app: only extension-less paths are routes.
        None if req.path().rsplit('/').next().is_some_and(|last| last.contains('.')) => return None,
        None => (dir.join("index.html"), REVALIDATE),
    };
    let named = NamedFile::open_async(&file).await.ok()?.disable_content_disposition();
    let mut response = named.into_response(req);
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    Some(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_prefixes_are_whole_segments() {
        for path in ["/api", "/api/users", "/health", "/health/live", "/metrics"] {
            assert!(is_reserved(path), "{path}");
        }
        for path in ["/", "/users", "/apiary", "/healthy", "/metrics-dashboard"] {
            assert!(!is_reserved(path), "{path}");
        }
    }

    #[test]
    fn recognises_hashed_names() {
        assert!(is_hashed("frontend_bg-0123456789ab.wasm"));
        assert!(is_hashed("app-deadbeef.css"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("app-v2.css"));
        assert!(!is_hashed("favicon.ico"));
    }

    #[test]
    fn refuses_escapes() {
        let dir = std::env::temp_dir();
        assert_eq!(file_for(&dir, "/../etc/passwd"), None);
        assert_eq!(file_for(&dir, "/%2e%2e/etc/passwd"), None);
        assert_eq!(file_for(&dir, "/.hidden"), None);
    }
}
