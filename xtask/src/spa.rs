//! `build_spa()`: the web app (frontend/) compiled to wasm32 and bundled into
//! `frontend/dist/` with content-hashed file names, ready for the server's STATIC_DIR.

use crate::sys;
use anyhow::{bail, Context, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const TARGET: &str = "wasm32-unknown-unknown";

/// Where the bundle goes (git-ignored).
pub fn dist_dir() -> PathBuf {
    sys::repo_root().join("frontend").join("dist")
}

/// The `wasm-bindgen` version in Cargo.lock; the CLI must match it exactly.
pub fn locked_wasm_bindgen_version(lock: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            let version = lines.next()?.trim().strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(version.to_owned());
        }
    }
    None
}

/// `wasm-bindgen 0.2.130` → `0.2.130`.
fn cli_version(output: &str) -> Option<&str> {
    output.split_whitespace().nth(1)
}

fn cargo_bin_dir() -> PathBuf {
    let home = sys::env_nonempty("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/root".into())).join(".cargo"));
    home.join("bin")
}

fn wasm_bindgen_program() -> PathBuf {
    let installed = cargo_bin_dir().join("wasm-bindgen");
    if installed.is_file() {
        installed
    } else {
        PathBuf::from("wasm-bindgen")
    }
}

fn ensure_target() -> Result<()> {
    let installed = sys::output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == TARGET) {
        return Ok(());
    }
    if !sys::on_path("rustup") {
        bail!("the {TARGET} Rust target is missing and rustup is not installed: install rustup, then `rustup target add {TARGET}`");
    }
    println!("spa: adding the {TARGET} target (rustup target add {TARGET})");
    sys::run(Command::new("rustup").args(["target", "add", TARGET]))
}

fn ensure_wasm_bindgen(version: &str) -> Result<PathBuf> {
    let program = wasm_bindgen_program();
    let current = sys::output(Command::new(&program).arg("--version")).ok();
    if current.as_deref().and_then(cli_version) == Some(version) {
        return Ok(program);
    }
    match &current {
        Some(found) => println!("spa: found {found}, but Cargo.lock has wasm-bindgen {version}; installing that"),
        None => println!("spa: wasm-bindgen-cli {version} is not installed; installing it (takes a few minutes)"),
    }
    let started = Instant::now();
    // No `--locked`: it fails against some registry mirrors.
    sys::run(sys::cargo().args(["install", "wasm-bindgen-cli", "--force", "--version", version]))
        .context("installing wasm-bindgen-cli")?;
    println!("spa: wasm-bindgen-cli {version} installed in {:.0?}", started.elapsed());
    Ok(cargo_bin_dir().join("wasm-bindgen"))
}

/// The first 12 hex digits of FNV-1a over the content, for cache-busting names.
pub fn content_hash(bytes: &[u8]) -> String {
    format!("{:012x}", crate::postgres::stable_hash(bytes) & 0xffff_ffff_ffff)
}

/// Copies `bytes` to `assets/<stem>-<hash>.<ext>` and returns that file name.
fn write_hashed(assets: &Path, stem: &str, ext: &str, bytes: &[u8]) -> Result<String> {
    let name = format!("{stem}-{}.{ext}", content_hash(bytes));
    fs::write(assets.join(&name), bytes).with_context(|| format!("could not write {name}"))?;
    Ok(name)
}

pub fn index_html(css: &str, boot: &str, glue: &str, wasm: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>MarketingOS</title>
<link rel="stylesheet" href="/assets/{css}">
<link rel="modulepreload" href="/assets/{glue}">
<link rel="preload" href="/assets/{wasm}" as="fetch" type="application/wasm" crossorigin>
<script type="module" src="/assets/{boot}"></script>
</head>
<body>
<noscript>MarketingOS needs JavaScript and WebAssembly.</noscript>
</body>
</html>
"#
    )
}

/// Size of `path` compressed by `gzip -9`, when gzip is installed.
fn gzip_size(path: &Path) -> Option<u64> {
    let out = Command::new("sh").arg("-c").arg("gzip -9 -c \"$1\" | wc -c").arg("sh").arg(path).output().ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

/// The Cargo profile of the browser build (see the workspace Cargo.toml).
const PROFILE: &str = "wasm-release";

/// Builds the release wasm, runs wasm-bindgen and writes `frontend/dist/`.
pub fn build_spa() -> Result<PathBuf> {
    let root = sys::repo_root();
    let lock = fs::read_to_string(root.join("Cargo.lock")).context("could not read Cargo.lock")?;
    let version = locked_wasm_bindgen_version(&lock)
        .context("Cargo.lock has no wasm-bindgen entry; run `cargo build -p frontend` once")?;
    ensure_target()?;
    let wasm_bindgen = ensure_wasm_bindgen(&version)?;

    let started = Instant::now();
    sys::run(sys::cargo().args(["build", "-p", "frontend", "--target", TARGET, "--profile", PROFILE]))
        .context("building the web app (frontend/) for wasm32")?;
    println!("spa: release wasm built in {:.1?}", started.elapsed());

    let dist = dist_dir();
    let out = root.join("target").join("spa-bindgen");
    for dir in [&dist, &out] {
        if dir.exists() {
            fs::remove_dir_all(dir).with_context(|| format!("could not clear {}", dir.display()))?;
        }
    }
    let wasm_in = root.join("target").join(TARGET).join(PROFILE).join("frontend.wasm");
    sys::run(
        // The name section (function names for stack traces) is over half of the raw
        // wasm; browsers do not need it.
        Command::new(&wasm_bindgen)
            .args(["--target", "web", "--no-typescript", "--remove-name-section", "--out-dir"])
            .arg(&out)
            .arg(&wasm_in),
    )
    .context("running wasm-bindgen")?;

    let assets = dist.join("assets");
    fs::create_dir_all(&assets).with_context(|| format!("could not create {}", assets.display()))?;
    let wasm_bytes = fs::read(out.join("frontend_bg.wasm")).context("wasm-bindgen wrote no frontend_bg.wasm")?;
    let wasm = write_hashed(&assets, "frontend_bg", "wasm", &wasm_bytes)?;
    let glue_bytes = fs::read(out.join("frontend.js")).context("wasm-bindgen wrote no frontend.js")?;
    let glue = write_hashed(&assets, "frontend", "js", &glue_bytes)?;
    let css_bytes = fs::read(root.join("frontend/style/app.css")).context("could not read frontend/style/app.css")?;
    let css = write_hashed(&assets, "app", "css", &css_bytes)?;
    // The content security policy forbids inline scripts: the loader is a file too.
    let boot_js = format!("import init from \"./{glue}\";\ninit({{ module_or_path: \"/assets/{wasm}\" }});\n");
    let boot = write_hashed(&assets, "boot", "js", boot_js.as_bytes())?;
    fs::write(dist.join("index.html"), index_html(&css, &boot, &glue, &wasm)).context("could not write index.html")?;

    let wasm_path = assets.join(&wasm);
    let raw = wasm_bytes.len() as u64;
    match gzip_size(&wasm_path) {
        Some(gz) => println!(
            "spa: {} — wasm {} KB raw, {} KB gzip (goal ≤ 600 KB gzip){}",
            dist.display(),
            raw / 1024,
            gz / 1024,
            if gz > 600 * 1024 { " — OVER THE GOAL" } else { "" }
        ),
        None => {
            println!("spa: {} — wasm {} KB raw (gzip not installed: no compressed size)", dist.display(), raw / 1024)
        }
    }
    Ok(dist)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_locked_wasm_bindgen() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\nsource = \"registry\"\n\n\
                    [[package]]\nname = \"wasm-bindgen-futures\"\nversion = \"0.4.1\"\n";
        assert_eq!(locked_wasm_bindgen_version(lock).as_deref(), Some("0.2.130"));
        assert_eq!(locked_wasm_bindgen_version("[[package]]\nname = \"x\"\n"), None);
        assert_eq!(cli_version("wasm-bindgen 0.2.130"), Some("0.2.130"));
    }

    #[test]
    fn index_references_hashed_assets_without_inline_script() {
        let html = index_html("app-1.css", "boot-2.js", "frontend-3.js", "frontend_bg-4.wasm");
        assert!(html.contains(r#"<script type="module" src="/assets/boot-2.js"></script>"#));
        assert!(html.contains("/assets/app-1.css"));
        assert_eq!(html.matches("<script").count(), 1, "only the external loader");
        assert_ne!(content_hash(b"a"), content_hash(b"b"));
        assert_eq!(content_hash(b"a").len(), 12);
    }
}
