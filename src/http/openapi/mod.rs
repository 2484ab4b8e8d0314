//! The OpenAPI document at `/api/v1/openapi.json`: the paths, parameters and answers come
//! from the same route declarations the router uses; the request bodies, vocabularies and
//! the answers every operation can meet are then made exact, so that a client generated
//! from the document works without reading the code.

mod answers;
mod bodies;
mod document;
mod notice_bodies;
mod schema;
mod views;

pub use document::{__path_document, ApiDoc, OpenApiJson, document, finish};
