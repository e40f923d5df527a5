#[derive(Clone, Debug)]
pub struct Auth;
mod generated {
    #![allow(clippy::all, missing_docs, unreachable_pub)]
    include!(concat!(env!("OUT_DIR"), "/iluma_client.rs"));
}
pub use generated::*;
pub mod catalog {
    use super::types;
    include!(concat!(env!("OUT_DIR"), "/iluma_catalog.rs"));
}
