//! The shipped templates: TOML files of `[[template]]` tables in a directory
//! (`[templates] dir`), or the set built into the binary (the same as `config/templates/`).
//! Each is checked at start-up; an error names the file, the template and the field.

use super::{Template, TemplateInput};
use crate::registry::Catalogue;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// `config/templates/`, built in, for a daemon started without a directory of its own.
const BUILT_IN: [(&str, &str); 4] = [
    (
        "general.toml",
        include_str!("../../config/templates/general.toml"),
    ),
    (
        "mykanta.toml",
        include_str!("../../config/templates/mykanta.toml"),
    ),
    (
        "prescriptions.toml",
        include_str!("../../config/templates/prescriptions.toml"),
    ),
    (
        "repositories.toml",
        include_str!("../../config/templates/repositories.toml"),
    ),
];

/// One template as a file has it.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateFile {
    /// The file's name.
    pub file: String,
    pub template: Template,
    /// What the template says, hashed: a file edited in whitespace only is not a new version.
    pub digest: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    template: Vec<TemplateInput>,
}

/// Every template of `dir` (`*.toml`, in name order), or the built-in set when `dir` is
/// empty. Ids are unique across files.
pub fn load(
    dir: &Path,
    catalogue: &Catalogue,
    now: DateTime<Utc>,
) -> Result<Vec<TemplateFile>, String> {
    let sources: Vec<(String, String)> = if dir.as_os_str().is_empty() {
        BUILT_IN
            .iter()
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
            .collect()
    } else {
        read_dir(dir)?
    };
    let mut out: Vec<TemplateFile> = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (file, text) in sources {
        let parsed: File = toml::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
        for (i, input) in parsed.template.into_iter().enumerate() {
            let label = format!(
                "{file}: template[{i}] ({})",
                input.id.as_deref().unwrap_or("no id")
            );
            let template = Template::parse(input, catalogue, now).map_err(|e| {
                let fields: Vec<String> = e
                    .errors()
                    .iter()
                    .map(|f| format!("{} {}", f.field, f.message))
                    .collect();
                format!("{label}: {}", fields.join("; "))
            })?;
            if let Some(earlier) = seen.insert(template.id.as_str().to_owned(), file.clone()) {
                return Err(format!("{label}: id is already used in {earlier}"));
            }
            let digest = digest(&template);
            out.push(TemplateFile {
                file: file.clone(),
                template,
                digest,
            });
        }
    }
    Ok(out)
}

fn read_dir(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let shown = dir.display();
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("templates.dir {shown}: cannot read: {e}"))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("templates.dir {shown}: cannot read: {e}"))?
            .path();
        if path.extension().is_some_and(|x| x == "toml") && path.is_file() {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            files.push((name, text));
        }
    }
    files.sort();
    Ok(files)
}

/// SHA-256 of the template's canonical JSON, hex.
pub fn digest(t: &Template) -> String {
    let json = serde_json::to_vec(t).unwrap_or_default();
    Sha256::digest(&json)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Language;

    fn now() -> DateTime<Utc> {
        "2026-12-02T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn the_shipped_templates_are_all_valid_and_carry_the_standing_procedures() {
        let catalogue = Catalogue::built_in().unwrap();
        let all = load(Path::new(""), &catalogue, now()).unwrap();
        let ids: Vec<&str> = all.iter().map(|t| t.template.id.as_str()).collect();
        for id in [
            "prescription-centre-fault-start",
            "repository-fault-start",
            "mykanta-sign-in-fault-start",
            "mykanta-records-fault-start",
            "mykanta-renewal-fault-start",
            "mykanta-wellbeing-fault-start",
            "mykanta-consents-fault-start",
            "maintenance-announcement",
            "maintenance-cancel",
        ] {
            assert!(ids.contains(&id), "{id} missing from {ids:?}");
        }
        let rx = &all
            .iter()
            .find(|t| t.template.id.as_str() == "prescription-centre-fault-start")
            .unwrap()
            .template;
        let healthcare = &rx.instructions[&crate::registry::Audience::Healthcare];
        assert!(healthcare[&Language::Fi].contains("puhelinresepti"));
        assert!(healthcare[&Language::Sv].contains("telefonrecept"));
        assert!(healthcare[&Language::En].contains("narcotics"));
        assert!(
            rx.instructions
                .contains_key(&crate::registry::Audience::Pharmacy)
        );
        assert!(
            rx.instructions
                .contains_key(&crate::registry::Audience::Citizen)
        );
    }

    #[test]
    fn the_built_in_set_is_the_shipped_directory() {
        let catalogue = Catalogue::built_in().unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/templates");
        assert_eq!(
            load(&dir, &catalogue, now()).unwrap(),
            load(Path::new(""), &catalogue, now()).unwrap()
        );
    }

    fn one(text: &str) -> Result<Vec<TemplateFile>, String> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ours.toml"), text).unwrap();
        load(dir.path(), &Catalogue::built_in().unwrap(), now())
    }

    const GOOD: &str = r#"
[[template]]
id = "x-start"
kind = "fault"
phase = "start"
name = { fi = "N", sv = "N" }
title = { fi = "Häiriö: {service}", sv = "Störning: {service}" }
body = { fi = "Alkoi {start}. {link}", sv = "Började {start}. {link}" }
"#;

    #[test]
    fn a_bad_template_is_refused_naming_the_file_the_template_and_the_field() {
        assert!(one(GOOD).is_ok());
        let err = one(&GOOD.replace("{start}. {link}\", sv", "{strat}\", sv")).unwrap_err();
        assert!(
            err.starts_with(
                "ours.toml: template[0] (x-start): body.fi {strat} is not a placeholder"
            ),
            "{err}"
        );
        let err = one(&GOOD.replace(", sv = \"Störning: {service}\"", "")).unwrap_err();
        assert!(err.contains("title.sv is required"), "{err}");
        let err = one(&GOOD.replace("phase = \"start\"", "phase = \"announcement\"")).unwrap_err();
        assert!(
            err.contains("phase must be one of start, update, end for fault"),
            "{err}"
        );
        let err = one(&GOOD.replace(
            "kind = \"fault\"",
            "kind = \"fault\"\nservices = [\"nope\"]",
        ))
        .unwrap_err();
        assert!(err.contains("services[0]"), "{err}");
        let long = format!(
            "{GOOD}sms = {{ fi = \"{}\", sv = \"x\" }}\n",
            "a".repeat(500)
        );
        let err = one(&long).unwrap_err();
        assert!(err.contains("sms.fi"), "{err}");
        let err = one("[[template]]\nid = 3\n").unwrap_err();
        assert!(err.starts_with("ours.toml: "), "{err}");
        let twice = format!("{GOOD}{GOOD}");
        assert!(
            one(&twice)
                .unwrap_err()
                .contains("id is already used in ours.toml")
        );
    }
}
