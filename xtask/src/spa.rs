//! `build_spa()`: the web app (frontend/) compiled to wasm32 and bundled into
//! `frontend/dist/` with content-hashed file names, ready for the server's STATIC_DIR.

use crate::{split, sys};
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

/// `app.css` followed by the other stylesheets of `dir` in name order: one file for the
/// browser, kept in several for the people editing it.
fn stylesheet(dir: &Path) -> Result<Vec<u8>> {
    let mut bytes = fs::read(dir.join("app.css")).context("could not read frontend/style/app.css")?;
    let mut others: Vec<PathBuf> = fs::read_dir(dir)
        .context("could not list frontend/style")?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "css") && !path.ends_with("app.css"))
        .collect();
    others.sort();
    for path in others {
        bytes.push(b'\n');
        bytes.extend(fs::read(&path).with_context(|| format!("could not read {}", path.display()))?);
    }
    Ok(bytes)
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
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
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

/// The budget for what the browser downloads before the sign-in page shows (wasm + JS).
const INITIAL_BUDGET_KB: u64 = 400;

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

/// Prints the initial download (gzip) against the budget, and each on-demand chunk.
fn report_sizes(dist: &Path, assets: &Path, initial: &[&str], chunks: &[String]) {
    let sizes = |names: &mut dyn Iterator<Item = &str>| -> Option<Vec<(String, u64, u64)>> {
        names
            .map(|name| {
                let path = assets.join(name);
                let raw = fs::metadata(&path).ok()?.len();
                Some((name.to_owned(), raw, gzip_size(&path)?))
            })
            .collect()
    };
    let (Some(first), Some(lazy)) =
        (sizes(&mut initial.iter().copied()), sizes(&mut chunks.iter().map(String::as_str)))
    else {
        println!("spa: {} (gzip not installed: no compressed sizes)", dist.display());
        return;
    };
    let gz: u64 = first.iter().map(|(_, _, gz)| gz).sum();
    let raw: u64 = first.iter().map(|(_, raw, _)| raw).sum();
    println!(
        "spa: {} — initial download (main wasm + JS) {} gzip, {} raw (budget ≤ {INITIAL_BUDGET_KB} KB gzip){}",
        dist.display(),
        kb(gz),
        kb(raw),
        if gz > INITIAL_BUDGET_KB * 1024 { " — OVER THE BUDGET" } else { "" }
    );
    for (name, raw, gz) in &first {
        println!("spa:   initial {name}: {} gzip ({} raw)", kb(*gz), kb(*raw));
    }
    let lazy_gz: u64 = lazy.iter().map(|(_, _, gz)| gz).sum();
    println!("spa: {} chunks loaded on demand, {} gzip in all", lazy.len(), kb(lazy_gz));
    for (name, raw, gz) in &lazy {
        println!("spa:   chunk {name}: {} gzip ({} raw)", kb(*gz), kb(*raw));
    }
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
    // `--emit-relocs` lets the splitter move functions between modules. Passed to the final
    // link only (`cargo rustc`), not in RUSTFLAGS, which would rebuild every dependency.
    sys::run(
        sys::cargo()
            .args(["rustc", "-p", "frontend", "--target", TARGET, "--profile", PROFILE])
            .args(["--", "-Clink-args=--emit-relocs"]),
    )
    .context("building the web app (frontend/) for wasm32")?;
    println!("spa: release wasm built in {:.1?}", started.elapsed());

    let dist = dist_dir();
    let out = root.join("target").join("spa-bindgen");
    let split_dir = root.join("target").join("spa-split");
    for dir in [&dist, &out, &split_dir] {
        if dir.exists() {
            fs::remove_dir_all(dir).with_context(|| format!("could not clear {}", dir.display()))?;
        }
    }
    fs::create_dir_all(&split_dir).with_context(|| format!("could not create {}", split_dir.display()))?;
    let wasm_in = root.join("target").join(TARGET).join(PROFILE).join("frontend.wasm");
    let linked = fs::read(&wasm_in).with_context(|| format!("could not read {}", wasm_in.display()))?;
    let stamp = content_hash(&linked);
    let split = split::split(&linked, &split_dir, &stamp).context("splitting the web app's wasm")?;
    sys::run(
        // The name section (function names for stack traces) is over half of the raw
        // wasm; browsers do not need it. The split chunks link against the main module's
        // lld exports (`--keep-lld-exports`) by their mangled names (`--no-demangle`).
        Command::new(&wasm_bindgen)
            .args(["--target", "web", "--no-typescript", "--remove-name-section"])
            .args(["--keep-lld-exports", "--no-demangle", "--out-name", &split::glue_stem(&stamp), "--out-dir"])
            .arg(&out)
            .arg(&split.main_wasm),
    )
    .context("running wasm-bindgen")?;

    let assets = dist.join("assets");
    fs::create_dir_all(&assets).with_context(|| format!("could not create {}", assets.display()))?;
    let glue_name = format!("{}.js", split::glue_stem(&stamp));
    let wasm_bytes = fs::read(out.join(format!("{}_bg.wasm", split::glue_stem(&stamp))))
        .context("wasm-bindgen wrote no main wasm")?;
    let wasm = format!("frontend_bg-{stamp}.wasm");
    fs::write(assets.join(&wasm), &wasm_bytes).with_context(|| format!("could not write {wasm}"))?;
    // The glue and the loader import each other by these names: they keep them.
    fs::copy(out.join(&glue_name), assets.join(&glue_name)).context("wasm-bindgen wrote no JS glue")?;
    let glue = glue_name;
    let loader_name = split.loader.file_name().and_then(|n| n.to_str()).context("no loader name")?.to_owned();
    let loader_js = fs::read_to_string(&split.loader).context("could not read the wasm-split loader")?;
    fs::write(assets.join(&loader_name), split::stamp_chunk_refs(&loader_js, &split.chunks, &stamp)?)
        .with_context(|| format!("could not write {loader_name}"))?;
    let mut chunks = Vec::new();
    for chunk in &split.chunks {
        let name = split::stamped_chunk_name(chunk, &stamp)?;
        fs::copy(chunk, assets.join(&name)).with_context(|| format!("could not write {name}"))?;
        chunks.push(name);
    }
    let css_bytes = stylesheet(&root.join("frontend/style"))?;
    let css = write_hashed(&assets, "app", "css", &css_bytes)?;
    // The content security policy forbids inline scripts: the loader is a file too.
    let boot_js = format!("import init from \"./{glue}\";\ninit({{ module_or_path: \"/assets/{wasm}\" }});\n");
    let boot = write_hashed(&assets, "boot", "js", boot_js.as_bytes())?;
    fs::write(dist.join("index.html"), index_html(&css, &boot, &glue, &wasm)).context("could not write index.html")?;
    // Files served under their own names at the root: the service worker (it must sit there
    // to control every page), the favicon and the icons web pushes show.
    for entry in fs::read_dir(root.join("frontend/static")).context("could not list frontend/static")? {
        let path = entry?.path();
        let name = path.file_name().context("a file in frontend/static")?;
        fs::copy(&path, dist.join(name)).with_context(|| format!("could not copy {}", path.display()))?;
    }

    report_sizes(&dist, &assets, &[&wasm, &glue, &loader_name, &boot], &chunks);
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
