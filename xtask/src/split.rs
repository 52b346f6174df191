//! Splits the web app's wasm at its `#[lazy]` functions (what Leptos's `#[lazy_route]`
//! generates) into a main module and chunks that the browser fetches on demand. The work is
//! done by `wasm_split_cli_support`, the library behind cargo-leptos's `--split`, in the same
//! order: on the linked wasm (linked with `--emit-relocs`), before wasm-bindgen, which then
//! processes the main module only.
//!
//! Every output name carries `stamp`, a hash of the linked wasm: the split is a pure function
//! of it (and of the tool versions pinned in Cargo.lock), so the names change whenever any
//! content does, and all assets can be cached as immutable.

use anyhow::{anyhow, Context, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// What the split wrote to its output directory.
pub struct Split {
    /// The main module, still to be processed by wasm-bindgen.
    pub main_wasm: PathBuf,
    /// The loader the main module imports (`split-<stamp>.js`); fetches chunks by name.
    pub loader: PathBuf,
    /// One wasm file per chunk, named as the loader fetches them (without the stamp).
    pub chunks: Vec<PathBuf>,
}

/// The file name wasm-bindgen gives the main module's JS glue (`--out-name`).
pub fn glue_stem(stamp: &str) -> String {
    format!("frontend-{stamp}")
}

/// Splits `input` into `out`. A wasm without split points yields just the main module.
pub fn split(input: &[u8], out: &Path, stamp: &str) -> Result<Split> {
    let main_wasm = out.join("main.wasm");
    let link_name = format!("./split-{stamp}.js");
    let main_module = format!("./{}.js", glue_stem(stamp));
    let mut opts = wasm_split_cli_support::Options::new(input);
    opts.output_dir = out;
    opts.main_out_path = &main_wasm;
    // The loader and the glue both end up in assets/, side by side: the main module imports
    // the loader relatively, and the loader imports the glue (for the main module's exports).
    opts.link_name = &link_name;
    opts.main_module = &main_module;
    let split = wasm_split_cli_support::transform(opts).map_err(|e| anyhow!("wasm-split: {e:?}"))?;
    let loader = out.join(link_name.trim_start_matches("./"));
    if !loader.is_file() {
        // No split point at all: nothing imports a loader, so there is none to ship.
        fs::write(&loader, "").with_context(|| format!("could not write {}", loader.display()))?;
    }
    Ok(Split { main_wasm, loader, chunks: split.split_modules })
}

/// `chunk.wasm` → `chunk-<stamp>.wasm`, the name the server caches as immutable.
pub fn stamped_chunk_name(chunk: &Path, stamp: &str) -> Result<String> {
    let stem = chunk.file_stem().and_then(|s| s.to_str()).context("a chunk without a file name")?;
    Ok(format!("{stem}-{stamp}.wasm"))
}

/// The loader fetches `new URL("./<chunk>.wasm", import.meta.url)`: point it at the stamped names.
pub fn stamp_chunk_refs(loader_js: &str, chunks: &[PathBuf], stamp: &str) -> Result<String> {
    let mut js = loader_js.to_owned();
    for chunk in chunks {
        let name = chunk.file_name().and_then(|s| s.to_str()).context("a chunk without a file name")?;
        let from = format!("\"./{name}\"");
        anyhow::ensure!(js.contains(&from), "the wasm-split loader does not fetch {name}");
        js = js.replace(&from, &format!("\"./{}\"", stamped_chunk_name(chunk, stamp)?));
    }
    Ok(js)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_references_get_the_stamp() {
        let js = "const __chunk_1 = makeLoad(() => {\n    const src = fetch(new URL(\"./split_leads_1.wasm\", import.meta.url));\n";
        let chunks = [PathBuf::from("/x/split_leads_1.wasm")];
        let out = stamp_chunk_refs(js, &chunks, "0123456789ab").unwrap();
        assert!(out.contains("new URL(\"./split_leads_1-0123456789ab.wasm\", import.meta.url)"), "{out}");
        assert!(stamp_chunk_refs(js, &[PathBuf::from("other.wasm")], "0123456789ab").is_err());
        assert_eq!(stamped_chunk_name(&chunks[0], "0123456789ab").unwrap(), "split_leads_1-0123456789ab.wasm");
    }
}
