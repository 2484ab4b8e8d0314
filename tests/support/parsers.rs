//! Independent parsers of our public outputs: Debian's Python with its packages
//! (`python3-icalendar`, …), which CI installs. Without them a test is skipped here,
//! and fails where the tools are required (`support::tools`).

use std::io::Write;
use std::process::{Command, Stdio};

/// Debian's interpreter, not whatever `python3` a shell finds first.
const PYTHON: &str = "/usr/bin/python3";

/// Whether `module` imports; panics when it does not and the tools are required.
pub fn python_has(module: &str) -> bool {
    let ok = Command::new(PYTHON)
        .args(["-c", &format!("import {module}")])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    super::tools::available(
        &format!("{PYTHON} with the module {module}"),
        ok,
        &format!("apt-get install python3-{module}"),
    )
}

/// Runs `script` with `input` on standard input; returns standard output, or panics with
/// the script's error.
pub fn python(script: &str, input: &str) -> String {
    let mut child = Command::new(PYTHON)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start python");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the parser refused it: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
