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
