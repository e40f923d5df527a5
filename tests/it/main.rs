//! The integration tests, in one binary so they link once.
//!
//! Most of them are driven by the specs themselves: adding an example, a schema or an
//! operation to `openapi/*.yaml` adds its snapshot or check with no new test code.

mod callbacks;
mod corpus;
mod drift;
mod errors;
mod examples;
mod id_card_multipart;
mod image;
mod nik;
mod privacy;
mod readme;
mod retries;
mod schemas;
mod spec_docs;
mod summary;
mod support;
mod tolerance;
mod wire;
