//! A real OpenID Connect provider on loopback for the console's sign-in tests: the
//! `oidc-provider` npm package (pinned in `tests/browser/package.json`), run by
//! `tests/browser/oidc.mjs`. People: `operator` (in the group `kanta-support`) and `visitor`.

use std::path::Path;
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

/// The client faultcast is registered as.
pub const CLIENT_ID: &str = "faultcast-console";
pub const CLIENT_SECRET: &str = "test-only-client-secret";
/// The group that makes an operator.
pub const OPERATOR_GROUP: &str = "kanta-support";

/// The running provider; killed when dropped.
pub struct IdentityProvider {
    pub issuer: String,
    _child: Child,
    /// Kept open: the provider ends when its standard input closes.
    _stdin: ChildStdin,
}

/// Whether node and the provider package are here (installing the pinned packages on first
/// use); panics where tools are required.
pub fn available() -> bool {
    let dir = super::tools::node_packages();
    let ok = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        && dir.join("node_modules/oidc-provider").exists();
    super::tools::available(
        "node with the oidc-provider package",
        ok,
        "apt-get install nodejs npm; npm ci in tests/browser",
    )
}

async fn line(lines: &mut Lines<BufReader<ChildStdout>>) -> serde_json::Value {
    let text = tokio::time::timeout(std::time::Duration::from_secs(20), lines.next_line())
        .await
        .expect("the identity provider answers within 20 s")
        .expect("read the identity provider's output")
        .expect("the identity provider printed a line");
    serde_json::from_str(&text).expect("a JSON line")
}

impl IdentityProvider {
    /// Starts a provider that sends browsers back to `redirect_uri`.
    pub async fn start(redirect_uri: &str) -> Self {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/oidc.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start node");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let issuer = line(&mut lines).await["issuer"]
            .as_str()
            .unwrap()
            .to_owned();
        let client = serde_json::json!({
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uri": redirect_uri,
        });
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(format!("{client}\n").as_bytes())
            .await
            .unwrap();
        assert_eq!(line(&mut lines).await["ready"], true);
        // Whatever the provider prints later is read and let go: a closed pipe would end it.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self {
            issuer,
            _child: child,
            _stdin: stdin,
        }
    }

    /// The daemon's settings for this provider.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("FAULTCAST__CONSOLE__OIDC__ISSUER", self.issuer.clone()),
            ("FAULTCAST__CONSOLE__OIDC__CLIENT_ID", CLIENT_ID.into()),
            (
                "FAULTCAST__CONSOLE__OIDC__CLIENT_SECRET",
                CLIENT_SECRET.into(),
            ),
            ("FAULTCAST__CONSOLE__OIDC__SCOPES", "profile groups".into()),
            ("FAULTCAST__CONSOLE__OIDC__OPERATOR_CLAIM", "groups".into()),
            (
                "FAULTCAST__CONSOLE__OIDC__OPERATOR_VALUES",
                OPERATOR_GROUP.into(),
            ),
            ("FAULTCAST__CONSOLE__OIDC__DISPLAY_NAME", "Test IdP".into()),
        ]
    }
}
