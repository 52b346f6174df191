//! Import cycles between the modules of a crate. A module (one file) depends on another
//! when it names it in a `use` tree or a `crate::`/`super::` path; a path is followed
//! through `pub use` re-exports to the module that defines the item. Edges between a
//! module and its own ancestors or descendants are containment, not cycles (a parent
//! registers its children; a child uses its parent's helpers), so only modules that are
//! neither count. The test at the bottom fails while any crate of the workspace has a
//! cycle, naming each edge with its file and line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crate roots checked, relative to the repository.
pub const CRATE_ROOTS: [&str; 7] = [
    "crates/domain/src/lib.rs",
    "crates/storage/src/lib.rs",
    "crates/server/src/lib.rs",
    "frontend/src/main.rs",
    "xtask/src/main.rs",
    "tests/support/lib.rs",
    "tests/api/main.rs",
];

type ModPath = Vec<String>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    PathSep,
    Punct(char),
}

/// Identifiers, `::` and single punctuation, with comments, strings, chars and lifetimes
/// dropped; each token carries its line.
fn tokens(source: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            '/' if next == Some('/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if next == Some('*') => {
                let mut depth = 0;
                while i < chars.len() {
                    if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                        depth += 1;
                        i += 2;
                    } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        line += usize::from(chars[i] == '\n');
                        i += 1;
                    }
                }
            }
            'r' if matches!(next, Some('"' | '#')) && raw_string_end(&chars, i).is_some() => {
                let end = raw_string_end(&chars, i).unwrap_or(chars.len());
                line += chars[i..end].iter().filter(|&&c| c == '\n').count();
                i = end;
            }
            '"' => {
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    line += usize::from(chars[i] == '\n');
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
            }
            '\'' => {
                // A char literal ('a', '\n', '\u{..}') or a lifetime ('a): skip either.
                if next == Some('\\') {
                    i += 2;
                    while i < chars.len() && chars[i] != '\'' {
                        i += 1;
                    }
                    i += 1;
                } else if chars.get(i + 2) == Some(&'\'') {
                    i += 3;
                } else {
                    i += 1;
                    while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                        i += 1;
                    }
                }
            }
            ':' if next == Some(':') => {
                out.push((Token::PathSep, line));
                i += 2;
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push((Token::Ident(chars[start..i].iter().collect()), line));
            }
            c if c.is_whitespace() => i += 1,
            c => {
                out.push((Token::Punct(c), line));
                i += 1;
            }
        }
    }
    out
}

/// The index after a raw string (`r"…"`, `r#"…"#`) starting at `start`, if it is one.
fn raw_string_end(chars: &[char], start: usize) -> Option<usize> {
    let mut i = start + 1;
    let mut hashes = 0;
    while chars.get(i) == Some(&'#') {
        hashes += 1;
        i += 1;
    }
    if chars.get(i) != Some(&'"') {
        return None;
    }
    i += 1;
    while i < chars.len() {
        if chars[i] == '"' && (1..=hashes).all(|h| chars.get(i + h) == Some(&'#')) {
            return Some(i + 1 + hashes);
        }
        i += 1;
    }
    Some(chars.len())
}

/// What one file says: the modules it declares (`mod x;`), the paths it uses, and the
/// items it re-exports (`pub use a::b as c` → `c` is `a::b`).
#[derive(Debug, Default)]
struct FileFacts {
    declared: Vec<String>,
    /// Paths as written, relative to the file's module (`crate`, `super`, `self` or a
    /// child name first), with the line.
    uses: Vec<(Vec<String>, usize)>,
    reexports: Vec<(String, Vec<String>)>,
}

fn ident(token: Option<&(Token, usize)>) -> Option<&str> {
    match token {
        Some((Token::Ident(name), _)) => Some(name),
        _ => None,
    }
}

/// Flattens a `use` tree starting at `tokens[*i]` into full paths with their local names.
fn use_tree(tokens: &[(Token, usize)], i: &mut usize, prefix: &[String], out: &mut Vec<(Vec<String>, String)>) {
    let mut path = prefix.to_vec();
    loop {
        match tokens.get(*i).map(|t| &t.0) {
            Some(Token::Ident(name)) => {
                path.push(name.clone());
                *i += 1;
            }
            Some(Token::Punct('{')) => {
                *i += 1;
                loop {
                    use_tree(tokens, i, &path, out);
                    match tokens.get(*i).map(|t| &t.0) {
                        Some(Token::Punct(',')) => *i += 1,
                        _ => break,
                    }
                    if matches!(tokens.get(*i).map(|t| &t.0), Some(Token::Punct('}'))) {
                        break;
                    }
                }
                *i += 1; // the closing brace
                return;
            }
            Some(Token::Punct('*')) => {
                *i += 1;
                out.push((path.clone(), "*".to_owned()));
                return;
            }
            _ => break,
        }
        match tokens.get(*i).map(|t| &t.0) {
            Some(Token::PathSep) => *i += 1,
            _ => break,
        }
    }
    if ident(tokens.get(*i)) == Some("as") {
        let alias = ident(tokens.get(*i + 1)).unwrap_or("_").to_owned();
        *i += 2;
        out.push((path, alias));
    } else if let Some(last) = path.last().cloned() {
        // `use a::b::{self}` names the module `b`.
        let name = if last == "self" && path.len() > 1 { path[path.len() - 2].clone() } else { last };
        out.push((path, name));
    }
}

/// Whether `tokens[i]` starts `#[cfg(test)] mod name {`: test code may use what it tests
/// from anywhere, so it makes no dependency.
fn is_test_module(tokens: &[(Token, usize)], i: usize) -> bool {
    let words: Vec<Option<&str>> = (i..i + 9).map(|j| ident(tokens.get(j))).collect();
    let puncts: Vec<Option<char>> = (i..i + 9)
        .map(|j| match tokens.get(j) {
            Some((Token::Punct(c), _)) => Some(*c),
            _ => None,
        })
        .collect();
    puncts[0] == Some('#')
        && puncts[1] == Some('[')
        && words[2] == Some("cfg")
        && puncts[3] == Some('(')
        && words[4] == Some("test")
        && puncts[5] == Some(')')
        && puncts[6] == Some(']')
        && words[7] == Some("mod")
        && puncts[8].is_none()
        && matches!(tokens.get(i + 9), Some((Token::Punct('{'), _)))
}

/// The index after the brace block that starts at the first `{` from `i`.
fn skip_block(tokens: &[(Token, usize)], mut i: usize) -> usize {
    while i < tokens.len() && tokens[i].0 != Token::Punct('{') {
        i += 1;
    }
    let mut depth = 0;
    while i < tokens.len() {
        match tokens[i].0 {
            Token::Punct('{') => depth += 1,
            Token::Punct('}') => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

fn facts(source: &str) -> FileFacts {
    let tokens = tokens(source);
    let mut facts = FileFacts::default();
    let mut i = 0;
    while i < tokens.len() {
        let name = ident(tokens.get(i));
        let after_path_sep = i > 0 && tokens[i - 1].0 == Token::PathSep;
        let macro_crate = i > 0 && tokens[i - 1].0 == Token::Punct('$');
        if is_test_module(&tokens, i) {
            i = skip_block(&tokens, i);
        } else if name == Some("mod") && !after_path_sep {
            if let (Some(module), Some((Token::Punct(';'), _))) = (ident(tokens.get(i + 1)), tokens.get(i + 2)) {
                facts.declared.push(module.to_owned());
            }
            i += 2;
        } else if name == Some("use") && !after_path_sep {
            let public = i > 0 && (ident(tokens.get(i - 1)) == Some("pub") || tokens[i - 1].0 == Token::Punct(')'));
            let line = tokens[i].1;
            i += 1;
            if tokens.get(i).map(|t| &t.0) == Some(&Token::PathSep) {
                i += 1;
            }
            let mut flat = Vec::new();
            use_tree(&tokens, &mut i, &[], &mut flat);
            for (path, local) in flat {
                if public {
                    facts.reexports.push((local, path.clone()));
                }
                facts.uses.push((path, line));
            }
        } else if matches!(name, Some("crate" | "super")) && !after_path_sep && !macro_crate {
            let line = tokens[i].1;
            let mut path = Vec::new();
            while let Some(segment) = ident(tokens.get(i)) {
                path.push(segment.to_owned());
                if tokens.get(i + 1).map(|t| &t.0) != Some(&Token::PathSep) {
                    break;
                }
                i += 2;
            }
            facts.uses.push((path, line));
            i += 1;
        } else {
            i += 1;
        }
    }
    facts
}

/// One crate's modules: path → (file, facts).
struct Crate {
    modules: BTreeMap<ModPath, (PathBuf, FileFacts)>,
}

fn load_crate(repo: &Path, root: &str) -> std::io::Result<Crate> {
    let mut modules = BTreeMap::new();
    let mut pending = vec![(Vec::new(), repo.join(root))];
    while let Some((path, file)) = pending.pop() {
        let source = std::fs::read_to_string(&file)?;
        let file_facts = facts(&source);
        let is_dir_module = matches!(file.file_name().and_then(|n| n.to_str()), Some("mod.rs" | "lib.rs" | "main.rs"));
        let dir = if is_dir_module { file.parent().map(Path::to_path_buf) } else { Some(file.with_extension("")) };
        for child in &file_facts.declared {
            let dir = dir.clone().unwrap_or_default();
            let candidates = [dir.join(format!("{child}.rs")), dir.join(child).join("mod.rs")];
            if let Some(found) = candidates.into_iter().find(|c| c.is_file()) {
                let mut child_path = path.clone();
                child_path.push(child.clone());
                pending.push((child_path, found));
            }
        }
        modules.insert(path, (file, file_facts));
    }
    Ok(Crate { modules })
}

impl Crate {
    /// A path as written in module `from`, made absolute; `None` when it is another crate's.
    fn absolute(&self, from: &ModPath, path: &[String]) -> Option<ModPath> {
        let (first, rest) = path.split_first()?;
        let mut base = match first.as_str() {
            "crate" => Vec::new(),
            "self" => from.clone(),
            "super" => from[..from.len().saturating_sub(1)].to_vec(),
            child => {
                let mut child_path = from.clone();
                child_path.push(child.to_owned());
                if !self.modules.contains_key(&child_path) {
                    return None;
                }
                from.clone()
            }
        };
        let mut rest = if matches!(first.as_str(), "crate" | "self" | "super") { rest } else { path };
        while rest.first().map(String::as_str) == Some("super") {
            base.pop();
            rest = &rest[1..];
        }
        base.extend(rest.iter().filter(|s| s.as_str() != "self").cloned());
        Some(base)
    }

    /// The module that defines what `path` (absolute) names, through re-exports.
    fn defining_module(&self, path: &[String], depth: usize) -> ModPath {
        let mut module: ModPath = Vec::new();
        for segment in path {
            let mut next = module.clone();
            next.push(segment.clone());
            if self.modules.contains_key(&next) {
                module = next;
                continue;
            }
            let reexport = self.modules.get(&module).and_then(|(_, facts)| {
                facts.reexports.iter().find(|(local, _)| local == segment).map(|(_, target)| target.clone())
            });
            if let (Some(target), true) = (reexport, depth < 8) {
                if let Some(absolute) = self.absolute(&module, &target) {
                    return self.defining_module(&absolute, depth + 1);
                }
            }
            break;
        }
        module
    }

    /// Edges between modules that are not each other's ancestors: (from, to) → lines.
    fn edges(&self) -> BTreeMap<(ModPath, ModPath), Vec<usize>> {
        let mut edges: BTreeMap<(ModPath, ModPath), Vec<usize>> = BTreeMap::new();
        for (from, (_, facts)) in &self.modules {
            for (path, line) in &facts.uses {
                let Some(absolute) = self.absolute(from, path) else { continue };
                let to = self.defining_module(&absolute, 0);
                if !to.starts_with(from) && !from.starts_with(&to) {
                    edges.entry((from.clone(), to)).or_default().push(*line);
                }
            }
        }
        edges
    }

    /// Each group of modules that reach one another, with the edges inside it.
    fn cycles(&self) -> Vec<Vec<String>> {
        let edges = self.edges();
        let mut next: BTreeMap<&ModPath, BTreeSet<&ModPath>> = BTreeMap::new();
        for (from, to) in edges.keys() {
            next.entry(from).or_default().insert(to);
        }
        let reach = |start: &ModPath| {
            let mut seen = BTreeSet::new();
            let mut stack = vec![start];
            while let Some(module) = stack.pop() {
                for &target in next.get(module).into_iter().flatten() {
                    if seen.insert(target.clone()) {
                        stack.push(target);
                    }
                }
            }
            seen
        };
        let reachable: BTreeMap<&ModPath, BTreeSet<ModPath>> = next.keys().map(|&m| (m, reach(m))).collect();
        let mut reported = BTreeSet::new();
        let mut cycles = Vec::new();
        for (&module, reached) in &reachable {
            if !reached.contains(module) || reported.contains(module) {
                continue;
            }
            let group: BTreeSet<&ModPath> =
                reached.iter().filter(|other| reachable.get(other).is_some_and(|r| r.contains(module))).collect();
            let mut lines = Vec::new();
            for ((from, to), at) in &edges {
                if group.contains(from) && group.contains(to) {
                    let file = self.modules.get(from).map(|(file, _)| file.display().to_string()).unwrap_or_default();
                    lines.push(format!("{} → {} ({file}:{})", display(from), display(to), at[0]));
                }
            }
            reported.extend(group.into_iter().cloned());
            cycles.push(lines);
        }
        cycles
    }
}

fn display(path: &ModPath) -> String {
    if path.is_empty() {
        "crate".to_owned()
    } else {
        format!("crate::{}", path.join("::"))
    }
}

/// Every cycle in the workspace's crates, as lines naming its edges.
pub fn workspace_cycles(repo: &Path) -> std::io::Result<Vec<Vec<String>>> {
    let mut all = Vec::new();
    for root in CRATE_ROOTS {
        all.extend(load_crate(repo, root)?.cycles());
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, files: &[(&str, &str)]) {
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }

    fn cycles_of(name: &str, files: &[(&str, &str)]) -> Vec<Vec<String>> {
        let dir = std::env::temp_dir().join(format!("xtask-cycles-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        write(&dir, files);
        let cycles = load_crate(&dir, "lib.rs").unwrap().cycles();
        std::fs::remove_dir_all(&dir).unwrap();
        cycles
    }

    #[test]
    fn siblings_that_use_each_other_are_a_cycle() {
        let cycles = cycles_of(
            "siblings",
            &[
                ("lib.rs", "mod a;\nmod b;\n"),
                ("a.rs", "use crate::b::Thing;\n"),
                ("b.rs", "pub struct Thing;\nfn f() { crate::a::g(); }\n"),
            ],
        );
        assert_eq!(cycles.len(), 1, "{cycles:?}");
        assert_eq!(cycles[0].len(), 2, "{cycles:?}");
    }

    #[test]
    fn reexports_lead_to_the_defining_module() {
        // `crate::auth::Principal` is defined in auth/extract.rs: state → auth::extract
        // and auth::extract → state make a cycle, though auth/mod.rs itself uses nothing.
        let cycles = cycles_of(
            "reexports",
            &[
                ("lib.rs", "mod auth;\nmod state;\n"),
                ("auth/mod.rs", "mod extract;\npub use extract::Principal;\n"),
                ("auth/extract.rs", "use crate::state::AppState;\npub struct Principal;\n"),
                ("state.rs", "use crate::{auth::Principal, other};\npub struct AppState;\n"),
            ],
        );
        assert_eq!(cycles.len(), 1, "{cycles:?}");
        assert!(cycles[0].iter().any(|edge| edge.starts_with("crate::state → crate::auth::extract")), "{cycles:?}");
    }

    #[test]
    fn parents_and_children_and_one_way_uses_are_no_cycle() {
        let cycles = cycles_of("containment", &[
            ("lib.rs", "mod routes;\nmod error;\n"),
            ("routes/mod.rs", "mod auth;\npub fn configure() { auth::configure(); }\n"),
            ("routes/auth.rs", "use super::configure as _;\nuse crate::error::E;\n// crate::routes::x\n"),
            ("error.rs", "pub struct E;\nconst S: &str = \"crate::routes::auth\";\n#[cfg(test)]\nmod tests {\n    use crate::routes::auth::T;\n}\n"),
        ]);
        assert!(cycles.is_empty(), "{cycles:?}");
    }

    #[test]
    fn the_workspace_has_no_module_cycles() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the repository");
        let cycles = workspace_cycles(repo).expect("the crate sources are readable");
        let text: Vec<String> = cycles.iter().map(|edges| edges.join("\n  ")).collect();
        assert!(cycles.is_empty(), "module import cycles:\n  {}", text.join("\n\n  "));
    }
}
