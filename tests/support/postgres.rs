//! A throwaway PostgreSQL cluster for the whole test process (initdb + pg_ctl in a temp
//! dir on a free port), or the server named by TEST_DATABASE_URL. Each test gets a fresh
//! database in it.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// Where the cluster answers, as an admin URL without a database name.
struct Cluster {
    base: String,
}

static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();

/// True when PostgreSQL tests must run (CI): a missing server is then a failure, not a skip.
pub(crate) fn required() -> bool {
    std::env::var_os("CI").is_some_and(|v| v != "false" && v != "0")
        || std::env::var_os("FAULTCAST_TEST_REQUIRE_POSTGRES").is_some()
}

/// A URL to a new, empty database, or `None` when no PostgreSQL is available here
/// (which fails the test instead when PostgreSQL is required).
pub async fn fresh_database() -> Option<String> {
    let cluster = CLUSTER.get_or_init(start).as_ref();
    let Some(cluster) = cluster else {
        assert!(
            !required(),
            "PostgreSQL is required (CI or FAULTCAST_TEST_REQUIRE_POSTGRES) but none could be started"
        );
        eprintln!("skipping: no PostgreSQL (install postgresql or set TEST_DATABASE_URL)");
        return None;
    };
    use sqlx::Connection;
    let name = format!("faultcast_test_{}", uuid::Uuid::now_v7().simple());
    let mut admin = sqlx::PgConnection::connect(&format!("{}/postgres", cluster.base))
        .await
        .expect("connect to the test cluster");
    sqlx::Executor::execute(&mut admin, format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create a test database");
    Some(format!("{}/{name}", cluster.base))
}

/// Drops a database made by `fresh_database` (for tests that make thousands, such as the
/// state-machine property test, so that the cluster's disk does not fill up).
pub async fn drop_database(url: &str) {
    use sqlx::Connection;
    let Some((base, name)) = url.rsplit_once('/') else {
        return;
    };
    if !name.starts_with("faultcast_test_") {
        return;
    }
    if let Ok(mut admin) = sqlx::PgConnection::connect(&format!("{base}/postgres")).await {
        let _ = sqlx::Executor::execute(
            &mut admin,
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
        )
        .await;
    }
}

fn start() -> Option<Cluster> {
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        let base = url
            .rsplit_once('/')
            .map(|(b, _)| b.to_owned())
            .unwrap_or(url);
        return Some(Cluster { base });
    }
    let bin = pg_bin()?;
    for _ in 0..3 {
        if let Some(c) = try_start(&bin) {
            return Some(c);
        }
    }
    panic!(
        "PostgreSQL binaries found in {} but the cluster would not start (see the output above)",
        bin.display()
    );
}

fn pg_bin() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, p): &(u32, PathBuf)| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().map(|(_, p)| p)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// A command run as the `postgres` user when we are root (PostgreSQL refuses root).
fn as_owner(root: bool, program: &Path) -> Command {
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn try_start(bin: &Path) -> Option<Cluster> {
    let root = is_root();
    let dir = tempfile::Builder::new()
        .prefix("faultcast-pg-")
        .tempdir()
        .expect("temp dir")
        .keep();
    let data = dir.join("data");
    if root {
        let ok = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "cannot hand {} to the postgres user", dir.display());
    }
    let init = as_owner(root, &bin.join("initdb"))
        .args(["-D"])
        .arg(&data)
        .args([
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--no-instructions",
        ])
        .stdout(Stdio::null())
        .status()
        .expect("run initdb");
    assert!(init.success(), "initdb failed");
    let port = free_port();
    let opts = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
        dir.display()
    );
    let started = as_owner(root, &bin.join("pg_ctl"))
        .arg("-D")
        .arg(&data)
        .args(["-o", &opts, "-l"])
        .arg(dir.join("log"))
        .args(["-w", "-t", "30", "start"])
        .stdout(Stdio::null())
        .status()
        .expect("run pg_ctl");
    if !started.success() {
        eprintln!(
            "{}",
            std::fs::read_to_string(dir.join("log")).unwrap_or_default()
        );
        let _ = std::fs::remove_dir_all(&dir);
        return None;
    }
    watch(root, bin, &dir, &data);
    Some(Cluster {
        base: format!("postgres://postgres@127.0.0.1:{port}"),
    })
}

/// Stops the cluster and removes its directory once this test process has exited.
fn watch(root: bool, bin: &Path, dir: &Path, data: &Path) {
    let stop = format!(
        "{}{} -D {} -m immediate stop",
        if root { "runuser -u postgres -- " } else { "" },
        bin.join("pg_ctl").display(),
        data.display()
    );
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf {dir}",
        pid = std::process::id(),
        dir = dir.display()
    );
    // Deliberately not waited for: the watchdog must outlive this process.
    #[allow(clippy::zombie_processes)]
    // Its own process group: a signal to the test's group (a timeout, Ctrl-C) must not
    // take the watchdog down with the tests and leave the cluster running.
    Command::new("sh")
        .process_group(0)
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the cluster watchdog");
}
