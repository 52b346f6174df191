//! Small process, file and environment helpers shared by the commands.

use anyhow::{bail, Context, Result};
use std::ffi::OsString;
use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

/// The workspace root (the parent of the `xtask` crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives inside the workspace").to_path_buf()
}

/// The folder for local state (cluster, generated secrets): `$MARKETINGOS_DATA_DIR`
/// (relative paths are taken from the repository root) or `<repo>/.data`.
pub fn data_dir() -> PathBuf {
    let root = repo_root();
    match env_nonempty("MARKETINGOS_DATA_DIR") {
        Some(dir) => root.join(dir),
        None => root.join(".data"),
    }
}

/// An environment variable that is set and not empty.
pub fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `cargo`, as the same toolchain that runs xtask, started in the repository root.
pub fn cargo() -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut cmd = Command::new(program);
    cmd.current_dir(repo_root());
    cmd
}

/// A readable rendering of a command line for messages.
pub fn display(cmd: &Command) -> String {
    let mut parts = vec![cmd.get_program().to_string_lossy().into_owned()];
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    if parts[0].ends_with("/cargo") || parts[0].ends_with("/cargo.exe") {
        parts[0] = "cargo".to_owned();
    }
    parts.join(" ")
}

/// Runs a command with inherited stdio and returns its exit status.
pub fn status(cmd: &mut Command) -> Result<ExitStatus> {
    cmd.status().with_context(|| format!("could not start `{}`", display(cmd)))
}

/// Runs a command with inherited stdio and fails unless it exits successfully.
pub fn run(cmd: &mut Command) -> Result<()> {
    let st = status(cmd)?;
    if !st.success() {
        bail!("`{}` failed ({})", display(cmd), describe(st));
    }
    Ok(())
}

/// Runs a command and returns its trimmed stdout; stderr is inherited.
pub fn output(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("could not start `{}`", display(cmd)))?;
    if !out.status.success() {
        bail!("`{}` failed ({})", display(cmd), describe(out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// True when the command can be started and exits successfully (all output discarded).
pub fn succeeds(cmd: &mut Command) -> bool {
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).status().map(|s| s.success()).unwrap_or(false)
}

/// "exit code 1" / "killed by signal 9".
pub fn describe(st: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (st.code(), st.signal()) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(sig)) => format!("killed by signal {sig}"),
        _ => "unknown status".to_owned(),
    }
}

/// The exit code a shell would report for this status (128 + signal when killed).
pub fn exit_code(st: ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt;
    match (st.code(), st.signal()) {
        (Some(code), _) => u8::try_from(code).unwrap_or(1),
        (None, Some(sig)) => u8::try_from(128 + sig).unwrap_or(1),
        _ => 1,
    }
}

/// True when this process runs as root.
pub fn is_root() -> bool {
    if let Ok(status) = fs::read_to_string("/proc/self/status") {
        if let Some(line) = status.lines().find(|l| l.starts_with("Uid:")) {
            return line.split_whitespace().nth(2) == Some("0");
        }
    }
    output(Command::new("id").arg("-u")).map(|uid| uid == "0").unwrap_or(false)
}

/// True when `program` is found on PATH.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false)
}

/// `bytes` random bytes from /dev/urandom, hex encoded (2 characters per byte).
pub fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut buf)).context("could not read /dev/urandom")?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// Reads the secret stored in `path`, or generates `bytes` random bytes (hex) and stores
/// them there (mode 0600). Returns the secret and whether it was just created.
pub fn persisted_secret(path: &Path, bytes: usize) -> Result<(String, bool)> {
    if let Ok(existing) = fs::read_to_string(path) {
        let existing = existing.trim();
        if !existing.is_empty() {
            return Ok((existing.to_owned(), false));
        }
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("could not create {}", parent.display()))?;
    }
    let secret = random_hex(bytes)?;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("could not write {}", path.display()))?;
    writeln!(file, "{secret}").with_context(|| format!("could not write {}", path.display()))?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
    Ok((secret, true))
}

/// Replaces the password of a `scheme://user:password@host/...` URL with `***`.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    match rest[..at].find(':') {
        Some(colon) => format!("{}{}:***{}", &url[..scheme_end + 3], &rest[..colon], &rest[at..]),
        None => url.to_owned(),
    }
}

/// Makes Ctrl-C (SIGINT) harmless to this process while a child runs in the foreground:
/// the terminal delivers SIGINT to the whole process group, the child handles it and
/// exits, and xtask stays alive to report the outcome. A handler (not SIG_IGN) is
/// installed so that spawned programs start with the default disposition again.
pub fn survive_ctrl_c() {
    extern "C" fn on_sigint(_signal: i32) {}
    extern "C" {
        fn signal(signum: i32, handler: extern "C" fn(i32)) -> usize;
    }
    const SIGINT: i32 = 2;
    // SAFETY: `signal` is the libc function std already links against; the handler is
    // async-signal-safe because it does nothing.
    unsafe {
        signal(SIGINT, on_sigint);
    }
}

/// Asks a process to stop (SIGTERM).
pub fn terminate(pid: u32) {
    extern "C" {
        fn kill(pid: i32, signal: i32) -> i32;
    }
    const SIGTERM: i32 = 15;
    if let Ok(pid) = i32::try_from(pid) {
        // SAFETY: `kill` is the libc function std already links against; it only sends a
        // signal to the given process (our own child).
        unsafe {
            kill(pid, SIGTERM);
        }
    }
}

/// True while a process with this id exists.
pub fn process_exists(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            redact_url("postgres://postgres:secret@localhost:5432/postgres"),
            "postgres://postgres:***@localhost:5432/postgres"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1:5432/postgres"),
            "postgres://postgres@127.0.0.1:5432/postgres"
        );
        assert_eq!(redact_url("not a url"), "not a url");
        assert_eq!(redact_url("postgres://u:p@h/db?x=a@b"), "postgres://u:***@h/db?x=a@b");
    }

    #[test]
    fn random_hex_has_two_chars_per_byte() {
        let a = random_hex(24).unwrap();
        assert_eq!(a.len(), 48);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, random_hex(24).unwrap());
    }

    #[test]
    fn secrets_are_persisted_and_reused() {
        let dir = std::env::temp_dir().join(format!("xtask-secret-{}", std::process::id()));
        let path = dir.join("nested").join("secret");
        let (first, created) = persisted_secret(&path, 6).unwrap();
        assert!(created);
        assert_eq!(first.len(), 12);
        let (second, created) = persisted_secret(&path, 6).unwrap();
        assert!(!created);
        assert_eq!(first, second);
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        fs::remove_dir_all(dir).unwrap();
    }
}
