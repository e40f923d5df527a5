//! The sandbox's integration tests, in one binary: every documented scenario through the
//! generated clients, every `x-magic-reply` value, callbacks, faults, robustness, and the
//! conformance of every response to the spec.
//!
//! Each test names the doc section it comes from: the vendor pages the specs' `externalDocs`
//! link to (<https://docs.kredibel.io>, <https://docs.iluma.ai>).

mod callbacks;
mod conformance;
mod faults;
mod generic;
mod iluma_id_card;
mod iluma_platform;
mod iluma_screening;
mod kredibel_biometric;
mod kredibel_certificate;
mod kredibel_products;
mod magic_reply;
mod proxy;
mod readme;
mod robustness;
mod scenarios;
mod server;
mod support;
