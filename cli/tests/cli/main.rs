//! The `kyc` binary against the offline sandbox: every subcommand of both vendors, what it
//! prints (the answer as JSON, personal data masked), how it fails (one stderr line, exit 1,
//! 2 or 3) and that a request it refuses never reaches the sandbox.

mod general;
mod iluma;
mod kredibel;
mod readme;
mod support;
