//! The binary runs from any working directory: with the shipped config named by `--config`
//! its data stays beside that config, and with no config at all it runs on the built-in
//! defaults (the service catalogue included) in the directory it was started in.

use crate::cli::{BIN, Daemon, blocking_status};
use std::path::Path;
use std::process::Command;

/// The binary, started in `cwd` with nothing from the test's environment but `PATH`.
fn bare(cwd: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("FAULTCAST__SERVER__LISTEN", "127.0.0.1:0")
        .env("FAULTCAST__LOG__LEVEL", "info");
    c
}

/// The service codes `GET /api/v1/services` answers.
fn service_codes(addr: &str) -> Vec<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let v: serde_json::Value = reqwest::get(format!("http://{addr}/api/v1/services"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["code"].as_str().unwrap().to_owned())
            .collect()
    })
}

#[test]
fn the_shipped_config_keeps_the_data_beside_it_whatever_the_working_directory() {
    let root = tempfile::tempdir().unwrap();
    let etc = root.path().join("etc");
    let elsewhere = root.path().join("elsewhere");
    std::fs::create_dir_all(&etc).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    // Only the config file is copied: the catalogue is built in.
    let config = etc.join("faultcast.toml");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("config/faultcast.toml"),
        &config,
    )
    .unwrap();
    let mut check = bare(&elsewhere);
    check.args(["--config", config.to_str().unwrap(), "config", "check"]);
    let out = check.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut serve = bare(&elsewhere);
    serve.args(["--config", config.to_str().unwrap(), "serve"]);
    let daemon = Daemon::spawn(serve);
    assert_eq!(
        blocking_status(&format!("http://{}/readyz", daemon.addr)),
        200
    );
    assert!(service_codes(&daemon.addr).contains(&"prescription-centre".to_owned()));
    let (status, log) = daemon.stop_with("TERM");
    assert!(status.success(), "{log}");
    assert!(
        root.path().join("data/faultcast.db").exists(),
        "the database is beside etc/, as ../data/ in the file says"
    );
    assert!(
        std::fs::read_dir(&elsewhere).unwrap().next().is_none(),
        "nothing is written in the working directory"
    );
}

#[test]
fn without_any_config_the_built_in_defaults_run_in_the_working_directory() {
    let cwd = tempfile::tempdir().unwrap();
    let daemon = Daemon::spawn({
        let mut c = bare(cwd.path());
        c.arg("serve");
        c
    });
    assert_eq!(
        blocking_status(&format!("http://{}/readyz", daemon.addr)),
        200
    );
    assert_eq!(
        service_codes(&daemon.addr).len(),
        17,
        "the built-in catalogue"
    );
    let (status, log) = daemon.stop_with("TERM");
    assert!(status.success(), "{log}");
    assert!(cwd.path().join("data/faultcast.db").exists());
}

#[test]
fn a_relative_config_path_resolves_against_the_working_directory_then_the_file() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("conf")).unwrap();
    std::fs::write(
        root.path().join("conf/faultcast.toml"),
        "[email.file]\ndir = \"mail\"\n[services]\nfile = \"services.toml\"\n",
    )
    .unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("config/services.toml"),
        root.path().join("conf/services.toml"),
    )
    .unwrap();
    let out = bare(root.path())
        .args(["--config", "conf/faultcast.toml", "config", "check"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("conf/mail"), "{summary}");
    let out = bare(root.path())
        .args(["--config", "conf/faultcast.toml", "config", "check"])
        .env("FAULTCAST__SERVICES__FILE", "nowhere.toml")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("services.file: cannot read nowhere.toml"),
        "a path from the environment stays relative to the working directory"
    );
}
