//! Integration tests of kyc-contract, in one binary (one link on two cores): per-rule cases
//! (standard keywords in `rules`, the project's vocabulary and callbacks in `vocabulary`),
//! the Kredibel snapshots, the GitHub annotations' lines, and the command line's exit codes.

mod annotate;
mod cli;
mod kredibel;
mod rules;
mod support;
mod vocabulary;
