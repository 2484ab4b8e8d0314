//! Loading settings: the shipped defaults, then the config file, then the environment.

use super::paths::resolve_against;
use super::settings::Settings;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// The commented default configuration, as shipped in `config/faultcast.toml`.
pub const DEFAULT_TOML: &str = include_str!("../../config/faultcast.toml");
/// The config file read when neither `--config` nor `FAULTCAST_CONFIG` names one.
pub const DEFAULT_CONFIG_PATH: &str = "config/faultcast.toml";
/// The directory the built-in defaults' relative paths are taken from: where the shipped
/// file sits, so that the defaults mean what `config/faultcast.toml` says.
const DEFAULTS_DIR: &str = "config";
/// Environment variables starting with this override keys (`FAULTCAST__DATABASE__URL`).
pub const ENV_PREFIX: &str = "FAULTCAST__";

/// Loads the settings: defaults, overlaid by the file, overlaid by `FAULTCAST__…` variables.
/// `explicit` is the file named by `--config`/`FAULTCAST_CONFIG`; it must exist. The
/// default path is optional, so the binary runs anywhere on its built-in defaults.
/// Relative paths in the file are relative to the file's directory (see `paths`).
pub fn load(
    explicit: Option<&Path>,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<Settings, String> {
    let mut tree: Table = DEFAULT_TOML
        .parse()
        .map_err(|e| format!("built-in defaults: {e}"))?;
    resolve_against(&mut tree, Path::new(DEFAULTS_DIR));
    let path: PathBuf = explicit
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG_PATH));
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let mut file: Table = text
                .parse()
                .map_err(|e: toml::de::Error| format!("{}: {}", path.display(), e.message()))?;
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
            resolve_against(&mut file, dir.unwrap_or(Path::new(".")));
            merge(&mut tree, file);
        }
        Err(e) if explicit.is_none() && e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("{}: {e}", path.display())),
    }
    for (name, value) in env {
        if let Some(rest) = name.strip_prefix(ENV_PREFIX) {
            apply_override(&mut tree, &name, rest, value)?;
        }
    }
    let settings: Settings = serde_path_to_error::deserialize(Value::Table(tree)).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        if path == "." {
            inner
        } else {
            format!("{path}: {inner}")
        }
    })?;
    settings.validate()?;
    Ok(settings)
}

/// Lays `over` onto `base`, table by table.
fn merge(base: &mut Table, over: Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(Value::Table(b)), Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// Sets one key from an environment variable, converting the text to the type the key has.
fn apply_override(tree: &mut Table, var: &str, rest: &str, raw: String) -> Result<(), String> {
    let parts: Vec<String> = rest.split("__").map(str::to_lowercase).collect();
    if parts.iter().any(String::is_empty) {
        return Err(format!("{var}: not a valid key path"));
    }
    let key = parts.join(".");
    let (leaf, tables) = parts.split_last().expect("split yields at least one part");
    let mut table = tree;
    for part in tables {
        let entry = table
            .entry(part.clone())
            .or_insert_with(|| Value::Table(Table::new()));
        table = match entry {
            Value::Table(t) => t,
            _ => {
                return Err(format!(
                    "{var}: `{key}` does not exist ({part} is not a section)"
                ));
            }
        };
    }
    let value = match table.get(leaf) {
        Some(Value::Integer(_)) => Value::Integer(
            raw.trim()
                .parse()
                .map_err(|_| format!("{key} (from {var}): must be a whole number"))?,
        ),
        Some(Value::Float(_)) => Value::Float(
            raw.trim()
                .parse()
                .map_err(|_| format!("{key} (from {var}): must be a number"))?,
        ),
        Some(Value::Boolean(_)) => Value::Boolean(
            raw.trim()
                .parse()
                .map_err(|_| format!("{key} (from {var}): must be true or false"))?,
        ),
        Some(Value::Table(_)) => return Err(format!("{var}: `{key}` is a section, not a key")),
        Some(Value::Array(_)) => Value::Array(
            raw.split(',')
                .map(|s| Value::String(s.trim().to_owned()))
                .collect(),
        ),
        _ => Value::String(raw),
    };
    table.insert(leaf.clone(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn write(text: &str) -> tempfile::NamedTempFile {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), text).unwrap();
        f
    }

    #[test]
    fn the_shipped_defaults_load_and_validate() {
        let f = write(DEFAULT_TOML);
        let s = load(Some(f.path()), env(&[])).unwrap();
        assert_eq!(s.server.listen.to_string(), "127.0.0.1:8080");
        assert!(
            s.database
                .url
                .expose_secret()
                .ends_with("/data/faultcast.db")
        );
        assert_eq!(s.delivery.workers, 8);
        assert_eq!(s.schedule.reminder_time, "09:00");
    }

    #[test]
    fn environment_variables_override_the_file_with_the_right_types() {
        let f = write("[delivery]\nworkers = 3\n");
        let s = load(
            Some(f.path()),
            env(&[
                ("FAULTCAST__DELIVERY__WORKERS", "5"),
                ("FAULTCAST__EMAIL__SMTP__PASSWORD", "12345"),
                ("FAULTCAST__EMAIL__SMTP__USERNAME", "u"),
                ("FAULTCAST_CONFIG", "ignored: single underscore"),
            ]),
        )
        .unwrap();
        assert_eq!(s.delivery.workers, 5);
        assert_eq!(
            s.email.smtp.password.unwrap().expose_secret(),
            "12345",
            "a numeric-looking secret stays text"
        );
    }

    #[test]
    fn an_unknown_key_in_the_file_is_named() {
        let f = write("[email.smtp]\nhots = \"x\"\n");
        let err = load(Some(f.path()), env(&[])).unwrap_err();
        assert!(err.starts_with("email.smtp"), "{err}");
        assert!(err.contains("hots"), "{err}");
    }

    #[test]
    fn an_unknown_key_from_the_environment_is_named() {
        let err = load(None, env(&[("FAULTCAST__SERVER__LISTNE", "x")])).unwrap_err();
        assert!(err.contains("listne"), "{err}");
    }

    #[test]
    fn an_invalid_value_is_named() {
        for (var, val, key) in [
            ("FAULTCAST__DELIVERY__WORKERS", "many", "delivery.workers"),
            ("FAULTCAST__DELIVERY__WORKERS", "0", "delivery.workers"),
            ("FAULTCAST__SERVER__LISTEN", "nowhere", "server.listen"),
            ("FAULTCAST__DATABASE__URL", "mysql://x", "database.url"),
            ("FAULTCAST__EMAIL__SMTP__TLS", "maybe", "email.smtp.tls"),
            ("FAULTCAST__NOTICES__APPROVAL", "most", "notices.approval"),
            (
                "FAULTCAST__SCHEDULE__TIMEZONE",
                "Mars/Olympus",
                "schedule.timezone",
            ),
            (
                "FAULTCAST__SCHEDULE__REMINDER_TIME",
                "9 am",
                "schedule.reminder_time",
            ),
            ("FAULTCAST__SMS__SENDER_ID", "a!", "sms.sender_id"),
            ("FAULTCAST__EMAIL__FROM", "nobody", "email.from"),
        ] {
            let err = load(None, env(&[(var, val)])).unwrap_err();
            assert!(err.starts_with(key), "{var}={val}: {err}");
        }
    }

    #[test]
    fn production_refuses_the_file_transports() {
        let err = load(
            None,
            env(&[("FAULTCAST__SERVER__ENVIRONMENT", "production")]),
        )
        .unwrap_err();
        assert!(err.starts_with("email.transport"), "{err}");
    }

    #[test]
    fn an_identity_provider_is_reached_over_https_and_names_who_is_an_operator() {
        let provider = |issuer: &'static str, values: &'static str| {
            load(
                None,
                env(&[
                    ("FAULTCAST__CONSOLE__OIDC__ISSUER", issuer),
                    ("FAULTCAST__CONSOLE__OIDC__CLIENT_ID", "faultcast"),
                    ("FAULTCAST__CONSOLE__OIDC__CLIENT_SECRET", "s3cret"),
                    ("FAULTCAST__CONSOLE__OIDC__SCOPES", "profile, groups"),
                    ("FAULTCAST__CONSOLE__OIDC__OPERATOR_CLAIM", "groups"),
                    ("FAULTCAST__CONSOLE__OIDC__OPERATOR_VALUES", values),
                ]),
            )
        };
        let s = provider("https://login.example.fi/realms/kanta", "kanta-support").unwrap();
        let o = s.console.oidc.unwrap();
        assert_eq!(o.scopes, ["profile", "groups"]);
        assert_eq!(o.operator_values, ["kanta-support"]);
        assert!(!format!("{o:?}").contains("s3cret"));
        let err = provider("http://login.example.fi", "kanta-support").unwrap_err();
        assert!(err.starts_with("console.oidc.issuer"), "{err}");
        assert!(provider("http://127.0.0.1:9000", "kanta-support").is_ok());
        let err = provider("https://login.example.fi", " , ").unwrap_err();
        assert!(err.starts_with("console.oidc.operator_values"), "{err}");
        assert!(load(None, env(&[])).unwrap().console.oidc.is_none());
    }

    #[test]
    fn a_link_secret_must_be_long_enough() {
        let err = load(None, env(&[("FAULTCAST__LINKS__SECRET", "short")])).unwrap_err();
        assert!(err.starts_with("links.secret"), "{err}");
        let long = "x".repeat(32);
        assert!(load(None, env(&[("FAULTCAST__LINKS__SECRET", &long)])).is_ok());
    }

    #[test]
    fn cleartext_smtp_is_allowed_only_to_loopback() {
        let base = [
            ("FAULTCAST__EMAIL__TRANSPORT", "smtp"),
            ("FAULTCAST__EMAIL__SMTP__TLS", "none"),
        ];
        let err = load(
            None,
            env(&[
                base[0],
                base[1],
                ("FAULTCAST__EMAIL__SMTP__HOST", "smtp.example.fi"),
            ]),
        )
        .unwrap_err();
        assert!(err.starts_with("email.smtp.tls"), "{err}");
        assert!(
            load(
                None,
                env(&[
                    base[0],
                    base[1],
                    ("FAULTCAST__EMAIL__SMTP__HOST", "127.0.0.1")
                ])
            )
            .is_ok()
        );
    }

    #[test]
    fn an_smtp_ca_file_must_exist_and_hold_a_pem_certificate() {
        let smtp = |ca: &str| {
            load(
                None,
                env(&[
                    ("FAULTCAST__EMAIL__TRANSPORT", "smtp"),
                    ("FAULTCAST__EMAIL__SMTP__HOST", "smtp.example.fi"),
                    ("FAULTCAST__EMAIL__SMTP__CA_FILE", ca),
                ]),
            )
        };
        let err = smtp("/nonexistent/ca.pem").unwrap_err();
        assert!(err.starts_with("email.smtp.ca_file: cannot read"), "{err}");
        let junk = write("not a certificate");
        let err = smtp(junk.path().to_str().unwrap()).unwrap_err();
        assert!(err.contains("holds no PEM certificate"), "{err}");
        let ca = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/tls/ca.pem");
        assert!(smtp(ca).is_ok());
    }

    #[test]
    fn a_missing_explicit_file_is_an_error_but_the_default_path_is_optional() {
        assert!(
            load(Some(Path::new("/nonexistent/faultcast.toml")), env(&[]))
                .unwrap_err()
                .contains("/nonexistent")
        );
    }

    #[test]
    fn secrets_are_not_printed_in_debug_output() {
        let s = load(
            None,
            env(&[(
                "FAULTCAST__DATABASE__URL",
                "postgres://u:canary-pw@localhost/db",
            )]),
        )
        .unwrap();
        assert!(!format!("{s:?}").contains("canary-pw"));
    }
}
