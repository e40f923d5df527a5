//! Integration tests of kyc-contract, in one binary (one link on two cores): per-rule cases,
//! the Kredibel snapshots, and the command line's exit codes.

mod cli;
mod kredibel;
mod rules;
mod support;
