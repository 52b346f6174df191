//! The private PostgreSQL cluster used when no `DATABASE_URL` is given.
//!
//! Layout (normally under `<repo>/.data`, see [`Cluster::locate`]):
//! - `pg/`  the data directory (initdb once, trust auth, superuser `postgres`);
//! - `run/` the server log and, when the path is short enough, the unix socket.
//!
//! The server listens on 127.0.0.1:54329 only. As root, the directories are owned by
//! the `postgres` OS user and `initdb`/`pg_ctl` run through `runuser -u postgres --`,
//! because PostgreSQL refuses to run as root.

use crate::sys;
use anyhow::{bail, Context, Result};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const PORT: u16 = 54329;
pub const HOST: &str = "127.0.0.1";
const SUPERUSER: &str = "postgres";
const OS_USER: &str = "postgres";
/// `sun_path` holds 108 bytes including the terminating NUL; keep a margin.
const MAX_SOCKET_PATH: usize = 100;
const MISSING_BINARIES: &str = "PostgreSQL server binaries not found: install the Debian \
     package postgresql-15 (or set DATABASE_URL)";

/// `postgres://postgres@<host>:<port>/<database>` (trust auth, no password).
pub fn database_url(host: &str, port: u16, database: &str) -> String {
    format!("postgres://{SUPERUSER}@{host}:{port}/{database}")
}

/// Version directory names (as found in /usr/lib/postgresql) sorted newest first;
/// names that are not versions are dropped.
pub fn versions_newest_first<S: AsRef<str>>(names: &[S]) -> Vec<String> {
    let mut versions: Vec<(Vec<u32>, String)> = names
        .iter()
        .filter_map(|name| {
            let name = name.as_ref();
            let parsed: Option<Vec<u32>> = name.split('.').map(|p| p.parse().ok()).collect();
            parsed.map(|v| (v, name.to_owned()))
        })
        .collect();
    versions.sort_by(|a, b| b.0.cmp(&a.0));
    versions.into_iter().map(|(_, name)| name).collect()
}

/// The folder holding `initdb`, `pg_ctl`, `psql` and `createdb`: `pg_config --bindir` if it
/// has the server binaries, else the newest `/usr/lib/postgresql/*/bin`, else `initdb`
/// found on PATH (symlinks resolved).
pub fn find_bindir() -> Result<PathBuf> {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = String::from_utf8_lossy(&out.stdout);
        if let Some(dir) = server_bindir(Path::new(dir.trim())).filter(|_| out.status.success()) {
            return Ok(dir);
        }
    }
    let root = Path::new("/usr/lib/postgresql");
    if let Ok(entries) = fs::read_dir(root) {
        let names: Vec<String> = entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
        for version in versions_newest_first(&names) {
            if let Some(dir) = server_bindir(&root.join(version).join("bin")) {
                return Ok(dir);
            }
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if let Some(dir) = server_bindir(&dir) {
                return Ok(dir);
            }
        }
    }
    bail!(MISSING_BINARIES)
}

/// The real folder of `initdb` when `dir` holds both `initdb` and `pg_ctl`.
fn server_bindir(dir: &Path) -> Option<PathBuf> {
    if !dir.join("initdb").is_file() || !dir.join("pg_ctl").is_file() {
        return None;
    }
    let real = fs::canonicalize(dir.join("initdb")).ok()?;
    let real_dir = real.parent()?.to_path_buf();
    real_dir.join("postgres").is_file().then_some(real_dir)
}

/// FNV-1a: a stable, dependency-free hash for naming folders after a path.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// `/tmp/marketingos-pg-<hash of the data dir>`, used when the data dir is out of reach
/// of the `postgres` OS user or too deep for a unix socket path.
pub fn fallback_dir(data_dir: &Path) -> PathBuf {
    let hash = stable_hash(data_dir.as_os_str().as_encoded_bytes());
    std::env::temp_dir().join(format!("marketingos-pg-{:012x}", hash & 0xffff_ffff_ffff))
}

pub struct Cluster {
    bindir: PathBuf,
    /// Holds `pg/` and `run/`: the data dir, or [`fallback_dir`] when postgres cannot reach it.
    base: PathBuf,
    socket_dir: PathBuf,
    /// Run initdb/pg_ctl as the `postgres` OS user (we are root).
    as_postgres: bool,
}

impl Cluster {
    /// Decides where the cluster lives for the data dir `data_dir`. An existing cluster
    /// is reused wherever it is; a new one goes under `data_dir` unless (as root) the
    /// `postgres` OS user cannot traverse it, in which case it goes to [`fallback_dir`].
    /// With `create`, the data dir is created first so that the check is meaningful.
    pub fn locate(bindir: PathBuf, data_dir: &Path, create: bool) -> Result<Cluster> {
        let as_postgres = sys::is_root();
        if as_postgres {
            if !sys::succeeds(Command::new("id").args(["-u", OS_USER])) {
                bail!("running as root needs the `postgres` OS user to own the private PostgreSQL cluster: install the Debian package postgresql-15 (or set DATABASE_URL)");
            }
            if !sys::on_path("runuser") {
                bail!("running as root needs `runuser` (Debian package util-linux) to start PostgreSQL as the postgres user (or set DATABASE_URL)");
            }
        }
        if create {
            fs::create_dir_all(data_dir).with_context(|| format!("could not create {}", data_dir.display()))?;
        }
        let fallback = fallback_dir(data_dir);
        let base = if is_cluster(&data_dir.join("pg")) {
            data_dir.to_path_buf()
        } else if is_cluster(&fallback.join("pg")) {
            fallback.clone()
        } else if as_postgres && !postgres_can_traverse(data_dir) {
            println!(
                "PostgreSQL: {} is not reachable by the postgres OS user (a parent folder is not traversable); using {} instead",
                data_dir.display(),
                fallback.display()
            );
            fallback.clone()
        } else {
            data_dir.to_path_buf()
        };
        let run_dir = base.join("run");
        let socket_dir = if socket_path_fits(&run_dir) { run_dir } else { fallback.join("socket") };
        Ok(Cluster { bindir, base, socket_dir, as_postgres })
    }

    pub fn pgdata(&self) -> PathBuf {
        self.base.join("pg")
    }

    fn run_dir(&self) -> PathBuf {
        self.base.join("run")
    }

    fn log_file(&self) -> PathBuf {
        self.run_dir().join("postgres.log")
    }

    pub fn url(&self, database: &str) -> String {
        database_url(HOST, PORT, database)
    }

    pub fn exists(&self) -> bool {
        is_cluster(&self.pgdata())
    }

    /// A PostgreSQL tool from the bindir, run as the postgres OS user when we are root.
    fn server_tool(&self, name: &str) -> Command {
        let program = self.bindir.join(name);
        let mut cmd = if self.as_postgres {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", OS_USER, "--"]).arg(program);
            cmd
        } else {
            Command::new(program)
        };
        // The caller's working directory may be unreadable for the postgres user.
        cmd.current_dir("/");
        cmd
    }

    /// A client tool (psql, createdb) from the bindir, connecting over TCP.
    fn client_tool(&self, name: &str) -> Command {
        let mut cmd = Command::new(self.bindir.join(name));
        cmd.args(["-h", HOST, "-p", &PORT.to_string(), "-U", SUPERUSER, "-w"]).env("PGCONNECT_TIMEOUT", "10");
        cmd
    }

    pub fn is_running(&self) -> bool {
        self.exists() && sys::succeeds(self.server_tool("pg_ctl").arg("status").arg("-D").arg(self.pgdata()))
    }

    /// Initialises the cluster if needed and starts it unless it already runs.
    /// Returns true when this call started it.
    pub fn start(&self) -> Result<bool> {
        if self.is_running() {
            println!("PostgreSQL: private cluster already running ({}, port {PORT})", self.pgdata().display());
            return Ok(false);
        }
        if std::net::TcpStream::connect_timeout(
            &(std::net::Ipv4Addr::LOCALHOST, PORT).into(),
            std::time::Duration::from_secs(1),
        )
        .is_ok()
        {
            bail!("{HOST}:{PORT} is already in use by another program (perhaps the private cluster of another checkout: run `cargo xtask db-stop` there), so the private PostgreSQL cluster cannot start (or set DATABASE_URL)");
        }
        let pgdata = self.pgdata();
        for dir in [&self.base, &self.run_dir(), &self.socket_dir] {
            fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
        }
        for dir in [&self.run_dir(), &self.socket_dir] {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        }
        if !self.exists() {
            println!("PostgreSQL: initialising a private cluster in {}", pgdata.display());
            fs::create_dir_all(&pgdata).with_context(|| format!("could not create {}", pgdata.display()))?;
            fs::set_permissions(&pgdata, fs::Permissions::from_mode(0o700))?;
            self.give_to_postgres(&[&pgdata])?;
            sys::run(
                self.server_tool("initdb")
                    .arg("-D")
                    .arg(&pgdata)
                    .args(["--auth=trust", "-U", SUPERUSER])
                    .args(["--encoding=UTF8", "--no-locale"])
                    .stdout(std::process::Stdio::null()),
            )
            .context("initdb failed")?;
        }
        self.write_config()?;
        self.give_to_postgres(&[&pgdata, &self.run_dir(), &self.socket_dir])?;
        println!("PostgreSQL: starting private cluster on {HOST}:{PORT}");
        let started = sys::run(
            self.server_tool("pg_ctl")
                .arg("-D")
                .arg(&pgdata)
                .arg("-l")
                .arg(self.log_file())
                .args(["-w", "-t", "60", "start"])
                .stdout(std::process::Stdio::null()),
        );
        if let Err(err) = started {
            let log = fs::read_to_string(self.log_file()).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(15).collect();
            for line in tail.into_iter().rev() {
                eprintln!("  {line}");
            }
            return Err(err).context(format!("PostgreSQL did not start (log: {})", self.log_file().display()));
        }
        Ok(true)
    }

    /// Stops the cluster if it runs. Returns true when it was running.
    pub fn stop(&self) -> Result<bool> {
        if !self.is_running() {
            return Ok(false);
        }
        sys::run(
            self.server_tool("pg_ctl")
                .arg("-D")
                .arg(self.pgdata())
                .args(["-m", "fast", "-w", "stop"])
                .stdout(std::process::Stdio::null()),
        )
        .context("pg_ctl stop failed")?;
        Ok(true)
    }

    /// Creates `database` unless it exists.
    pub fn create_database(&self, database: &str) -> Result<()> {
        if !database.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
            bail!("invalid database name {database:?}");
        }
        let exists = sys::output(
            self.client_tool("psql")
                .args(["-X", "-d", "postgres", "-tAc"])
                .arg(format!("SELECT 1 FROM pg_database WHERE datname = '{database}'")),
        )
        .context("could not query the private PostgreSQL cluster")?;
        if exists != "1" {
            println!("PostgreSQL: creating database {database}");
            sys::run(self.client_tool("createdb").arg(database))?;
        }
        Ok(())
    }

    /// Our settings live in `marketingos.conf` (rewritten at every start, so that the
    /// socket folder follows the repository) included from `postgresql.conf`.
    fn write_config(&self) -> Result<()> {
        let pgdata = self.pgdata();
        let quoted_socket = self.socket_dir.display().to_string().replace('\'', "''");
        let settings = format!(
            "# Written by `cargo xtask`; changes are overwritten at the next start.\n\
             listen_addresses = '{HOST}'\n\
             port = {PORT}\n\
             unix_socket_directories = '{quoted_socket}'\n\
             synchronous_commit = off\n"
        );
        fs::write(pgdata.join("marketingos.conf"), settings).context("could not write marketingos.conf")?;
        let main_conf = pgdata.join("postgresql.conf");
        let current =
            fs::read_to_string(&main_conf).with_context(|| format!("could not read {}", main_conf.display()))?;
        let include = "include_if_exists = 'marketingos.conf'";
        if !current.lines().any(|l| l.trim() == include) {
            fs::write(&main_conf, format!("{current}\n{include}\n"))
                .with_context(|| format!("could not write {}", main_conf.display()))?;
        }
        Ok(())
    }

    fn give_to_postgres(&self, paths: &[&Path]) -> Result<()> {
        if self.as_postgres {
            sys::run(Command::new("chown").arg("-R").arg(format!("{OS_USER}:")).args(paths))?;
        }
        Ok(())
    }
}

fn is_cluster(pgdata: &Path) -> bool {
    pgdata.join("PG_VERSION").is_file()
}

fn socket_path_fits(dir: &Path) -> bool {
    dir.join(format!(".s.PGSQL.{PORT}.lock")).as_os_str().len() <= MAX_SOCKET_PATH
}

fn postgres_can_traverse(dir: &Path) -> bool {
    sys::succeeds(Command::new("runuser").args(["-u", OS_USER, "--", "test", "-x"]).arg(dir).current_dir("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_version_first() {
        assert_eq!(versions_newest_first(&["9.6", "15", "13", "16", "README", "10"]), ["16", "15", "13", "10", "9.6"]);
        assert!(versions_newest_first::<&str>(&[]).is_empty());
        assert!(versions_newest_first(&["notes", ""]).is_empty());
    }

    #[test]
    fn builds_trust_urls() {
        assert_eq!(database_url(HOST, PORT, "marketingos"), "postgres://postgres@127.0.0.1:54329/marketingos");
        assert_eq!(database_url("127.0.0.1", 5432, "postgres"), "postgres://postgres@127.0.0.1:5432/postgres");
    }

    #[test]
    fn fallback_dir_is_stable_and_path_specific() {
        let a = fallback_dir(Path::new("/work/main/.data"));
        assert_eq!(a, fallback_dir(Path::new("/work/main/.data")));
        assert_ne!(a, fallback_dir(Path::new("/work/other/.data")));
        let name = a.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with("marketingos-pg-"));
        assert_eq!(name.len(), "marketingos-pg-".len() + 12);
        assert_eq!(stable_hash(b""), 0xcbf2_9ce4_8422_2325);
    }

    #[test]
    fn long_socket_paths_do_not_fit() {
        assert!(socket_path_fits(Path::new("/work/main/.data/run")));
        assert!(!socket_path_fits(&Path::new("/").join("x".repeat(90))));
    }
}
