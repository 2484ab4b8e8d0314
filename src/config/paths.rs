//! Relative paths in settings. A path written in a config file is relative to the directory
//! that holds the file, so `faultcast --config /etc/faultcast/faultcast.toml` behaves the same
//! from any working directory. The built-in defaults behave as if the shipped file sat in
//! `./config`; paths from the environment stay relative to the working directory.

use std::path::{Component, Path, PathBuf};
use toml::{Table, Value};

/// The keys that hold a file or directory path (`database.url` only when it is SQLite's).
const PATH_KEYS: [&[&str]; 6] = [
    &["email", "file", "dir"],
    &["sms", "file", "dir"],
    &["email", "smtp", "ca_file"],
    &["services", "file"],
    &["templates", "dir"],
    &["database", "url"],
];

/// Rewrites every relative path in `table` (one config source) to be relative to `base`.
pub fn resolve_against(table: &mut Table, base: &Path) {
    for key in PATH_KEYS {
        let Some(Value::String(text)) = lookup(table, key) else {
            continue;
        };
        let resolved = if key == ["database", "url"] {
            sqlite_url_against(text, base)
        } else {
            path_against(text, base)
        };
        if let Some(r) = resolved {
            *text = r;
        }
    }
}

fn lookup<'a>(table: &'a mut Table, key: &[&str]) -> Option<&'a mut Value> {
    let (leaf, sections) = key.split_last()?;
    let mut t = table;
    for s in sections {
        t = t.get_mut(*s)?.as_table_mut()?;
    }
    t.get_mut(*leaf)
}

/// `text` joined to `base` when it is a relative, non-empty path; `None` to leave it.
fn path_against(text: &str, base: &Path) -> Option<String> {
    let p = Path::new(text);
    if text.is_empty() || p.is_absolute() {
        return None;
    }
    Some(join(base, p).display().to_string())
}

/// `sqlite://PATH?…` or `sqlite:PATH?…` with a relative PATH, rewritten; other URLs
/// (PostgreSQL, `sqlite::memory:`, absolute paths) are left alone.
fn sqlite_url_against(url: &str, base: &Path) -> Option<String> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    if path.starts_with(':') {
        return None; // :memory:
    }
    let resolved = path_against(path, base)?;
    Some(match query {
        Some(q) => format!("sqlite://{resolved}?{q}"),
        None => format!("sqlite://{resolved}"),
    })
}

/// `base/rel` with `.` and `..` folded lexically, so that a base directory that does not
/// exist (the defaults' `./config`) still gives a path the kernel can open.
fn join(base: &Path, rel: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in base.join(rel).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let last_is_normal =
                    matches!(out.components().next_back(), Some(Component::Normal(_)));
                if last_is_normal {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        text.parse().unwrap()
    }

    #[test]
    fn relative_paths_follow_the_file_and_absolute_ones_stay() {
        let mut t = table(
            r#"
            [database]
            url = "sqlite://../data/faultcast.db?mode=rwc"
            [email.file]
            dir = "outbox/email"
            [sms.file]
            dir = "/var/lib/faultcast/sms"
            [services]
            file = ""
            "#,
        );
        resolve_against(&mut t, Path::new("/etc/faultcast"));
        assert_eq!(
            t["database"]["url"].as_str(),
            Some("sqlite:///etc/data/faultcast.db?mode=rwc")
        );
        assert_eq!(
            t["email"]["file"]["dir"].as_str(),
            Some("/etc/faultcast/outbox/email")
        );
        assert_eq!(
            t["sms"]["file"]["dir"].as_str(),
            Some("/var/lib/faultcast/sms")
        );
        assert_eq!(
            t["services"]["file"].as_str(),
            Some(""),
            "empty means built in"
        );
    }

    #[test]
    fn a_base_that_does_not_exist_still_folds_to_an_openable_path() {
        let mut t = table("[database]\nurl = \"sqlite://../data/faultcast.db\"\n");
        resolve_against(&mut t, Path::new("config"));
        assert_eq!(
            t["database"]["url"].as_str(),
            Some("sqlite://data/faultcast.db")
        );
        let mut t = table("[database]\nurl = \"sqlite:../../x.db\"\n");
        resolve_against(&mut t, Path::new("config"));
        assert_eq!(t["database"]["url"].as_str(), Some("sqlite://../x.db"));
    }

    #[test]
    fn other_databases_are_left_alone() {
        for url in ["postgres://u@h/db", "sqlite::memory:", "sqlite:///abs/x.db"] {
            let mut t = table(&format!("[database]\nurl = \"{url}\"\n"));
            resolve_against(&mut t, Path::new("/etc/faultcast"));
            assert_eq!(t["database"]["url"].as_str(), Some(url));
        }
    }
}
