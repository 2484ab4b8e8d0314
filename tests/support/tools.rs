//! The outside tools some tests need (Debian's chromium and Python parsers, node's
//! playwright-core and axe-core, schemathesis). Where they are required — CI, or
//! `FAULTCAST_TEST_REQUIRE_TOOLS` — a missing tool fails the test that needs it; elsewhere
//! the test says on standard error that it was skipped, and why.

/// True where a missing tool must fail its test rather than skip it.
pub fn required() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| v != "false" && v != "0");
    set("CI") || set("FAULTCAST_TEST_REQUIRE_TOOLS")
}

/// Whether `tool` is here: `present` as found. Panics when it is missing and required;
/// `install` says how to get it.
pub fn available(tool: &str, present: bool, install: &str) -> bool {
    if !present {
        assert!(
            !required(),
            "{tool} is required here (CI or FAULTCAST_TEST_REQUIRE_TOOLS) but missing: {install}"
        );
        eprintln!("skipping: {tool} is missing ({install})");
    }
    present
}

/// Installs the browser tests' npm packages, pinned in `tests/browser/package-lock.json`,
/// when the installed set is not that lock's (once per test process: the tests that need
/// them run in parallel, and two `npm ci` in one folder break each other). `.ci/run` does
/// the same before the tests start.
pub fn node_packages() -> std::path::PathBuf {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    INSTALL.call_once(|| {
        let lock = std::fs::read(dir.join("package-lock.json")).ok();
        let stamp = dir.join("node_modules/.installed-lock.json");
        if lock.is_some() && std::fs::read(&stamp).ok() != lock {
            let installed = std::process::Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&dir)
                .status()
                .is_ok_and(|s| s.success());
            if installed {
                let _ = std::fs::write(&stamp, lock.unwrap_or_default());
            }
        }
    });
    dir
}
