//! A look over a JSON body before it becomes a request type: a key given twice in one
//! object is refused (serde would silently keep the last one for maps), and so is a NUL
//! character in any string, which no text field may hold and PostgreSQL cannot store.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

/// What the look found.
#[derive(Debug, PartialEq, Eq)]
pub enum Finding {
    /// The key appears twice in the object at `path` (`.` for the top level).
    DuplicateKey { path: String, key: String },
    /// A string at `path` (or a key of the object there) holds a NUL character.
    Nul { path: String },
}

/// Looks over `bytes`. `Ok` also when the body is not JSON at all: the parser that comes
/// next reports that with its own line and column.
pub fn scan(bytes: &[u8]) -> Result<(), Finding> {
    let found = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let _ = Node {
        path: String::new(),
        found: &found,
    }
    .deserialize(&mut de);
    match found.into_inner() {
        Some(f) => Err(f),
        None => Ok(()),
    }
}

/// One value in the document, at `path`.
struct Node<'a> {
    path: String,
    found: &'a RefCell<Option<Finding>>,
}

impl Node<'_> {
    fn child(&self, part: impl fmt::Display, index: bool) -> Node<'_> {
        let path = match (self.path.is_empty(), index) {
            (_, true) => format!("{}[{part}]", self.path),
            (true, false) => part.to_string(),
            (false, false) => format!("{}.{part}", self.path),
        };
        Node {
            path,
            found: self.found,
        }
    }

    /// Records `f` and stops the walk (a custom error unwinds serde).
    fn stop<E: de::Error>(&self, f: Finding) -> E {
        *self.found.borrow_mut() = Some(f);
        E::custom("stopped")
    }

    fn text<E: de::Error>(&self, s: &str) -> Result<(), E> {
        if s.contains('\0') {
            return Err(self.stop(Finding::Nul { path: self.shown() }));
        }
        Ok(())
    }

    fn shown(&self) -> String {
        if self.path.is_empty() {
            ".".to_owned()
        } else {
            self.path.clone()
        }
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        self.text(s)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        while seq.next_element_seed(self.child(i, true))?.is_some() {
            i += 1;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            self.text(&key)?;
            let at = self.child(&key, false);
            if seen.contains(&key) {
                return Err(self.stop(Finding::DuplicateKey {
                    path: self.shown(),
                    key,
                }));
            }
            map.next_value_seed(at)?;
            seen.insert(key);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_given_twice_is_found_at_any_depth() {
        assert_eq!(
            scan(br#"{"title": {"fi": "a", "sv": "b", "fi": "c"}}"#),
            Err(Finding::DuplicateKey {
                path: "title".into(),
                key: "fi".into()
            })
        );
        assert_eq!(
            scan(br#"{"name": "a", "name": "b"}"#),
            Err(Finding::DuplicateKey {
                path: ".".into(),
                key: "name".into()
            })
        );
        assert_eq!(scan(br#"[{"a": 1}, {"a": 2}]"#), Ok(()));
    }

    #[test]
    fn a_nul_is_found_in_values_and_keys_with_its_path() {
        assert_eq!(
            scan(br#"{"sub_windows": [{"label": {"fi": "x\u0000y"}}]}"#),
            Err(Finding::Nul {
                path: "sub_windows[0].label.fi".into()
            })
        );
        assert_eq!(
            scan(br#"{"ok": {"a\u0000": 1}}"#),
            Err(Finding::Nul { path: "ok".into() }),
            "a key is reported at the object that holds it"
        );
    }

    #[test]
    fn anything_else_passes_to_the_parser() {
        for body in [
            &b"{\"a\": [1, 2.5, true, null, \"\\u00e4\"]}"[..],
            b"not json",
            b"",
            b"{\"a\": \"\\ud800\"}",
        ] {
            assert_eq!(scan(body), Ok(()));
        }
    }
}
