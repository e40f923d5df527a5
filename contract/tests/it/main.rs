//! Integration tests of kyc-contract, in one binary (one link on two cores): per-rule cases
//! (standard keywords in `rules`, the project's vocabulary and callbacks in `vocabulary`),
//! the Kredibel snapshots, and the command line's exit codes.

mod cli;
mod kredibel;
mod rules;
mod support;
mod vocabulary;
