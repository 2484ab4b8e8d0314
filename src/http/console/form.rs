//! Form bodies (`application/x-www-form-urlencoded`) as the console's pages post them.

use std::collections::HashMap;

/// The fields of a posted form; a field given twice keeps its first value. A body that is
/// not a form has no fields (every check that needs one then refuses).
pub fn fields(body: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (k, v) in form_urlencoded::parse(body) {
        out.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    out
}

/// Every field of a posted form in order, repeated names included (checkbox lists).
pub fn pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}
