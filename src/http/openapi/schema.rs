//! Small builders of JSON Schema (2020-12, as OpenAPI 3.1 uses it) and of edits to the
//! document, shared by the request bodies and the views.

use serde_json::{Map, Value, json};

/// A string matching `pattern`.
pub fn matching(pattern: String) -> Value {
    json!({"type": "string", "pattern": pattern})
}

/// Text of at most `max` characters (as sent) matching `pattern`.
pub fn text(max: usize, pattern: String) -> Value {
    json!({"type": "string", "maxLength": max, "pattern": pattern})
}

/// One of `codes`, exactly.
pub fn codes(codes: &[&str]) -> Value {
    json!({"type": "string", "enum": codes})
}

/// `schema`, or `null` (which the server takes as "left out").
pub fn nullable(schema: Value) -> Value {
    json!({"anyOf": [schema, {"type": "null"}]})
}

/// A list of distinct `item`s, at least `min` of them.
pub fn set(item: Value, min: usize) -> Value {
    json!({"type": "array", "items": item, "uniqueItems": true, "minItems": min})
}

/// An object with exactly these properties (the server refuses unknown fields).
pub fn object(properties: Vec<(&str, Value)>, required: &[&str]) -> Value {
    let props: Map<String, Value> = properties
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    json!({"type": "object", "additionalProperties": false, "properties": props, "required": required})
}

/// `schema` with a description.
pub fn described(mut schema: Value, description: &str) -> Value {
    schema["description"] = Value::String(description.to_owned());
    schema
}

/// A reference to the component schema `name`.
pub fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// Puts `schema` among the components as `name`.
pub fn add_component(doc: &mut Value, name: &str, schema: Value) {
    doc["components"]["schemas"][name] = schema;
}

/// Drops the component `name` (a declared type the finished document no longer uses).
pub fn drop_component(doc: &mut Value, name: &str) {
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        schemas.remove(name);
    }
}

/// Every operation of the document, with its method and path.
pub fn operations(doc: &mut Value) -> Vec<(String, String, &mut Value)> {
    let mut out = Vec::new();
    if let Some(paths) = doc["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            if let Some(item) = item.as_object_mut() {
                for (method, op) in item.iter_mut() {
                    if matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete") {
                        out.push((method.clone(), path.clone(), op));
                    }
                }
            }
        }
    }
    out
}

/// The operation with this `operationId`.
pub fn operation<'a>(doc: &'a mut Value, id: &str) -> Option<&'a mut Value> {
    operations(doc)
        .into_iter()
        .map(|(_, _, op)| op)
        .find(|op| op["operationId"] == id)
}

/// Sets the JSON request body of operation `id` to the component `schema`, with examples.
pub fn json_body(doc: &mut Value, id: &str, schema: &str, examples: Value) {
    if let Some(op) = operation(doc, id) {
        op["requestBody"] = json!({
            "required": true,
            "content": {"application/json": {"schema": reference(schema), "examples": examples}},
        });
    }
}

/// An `examples` map of one example.
pub fn example(summary: &str, value: Value) -> Value {
    json!({"example": {"summary": summary, "value": value}})
}
