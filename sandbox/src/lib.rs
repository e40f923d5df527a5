//! The offline sandbox (work in progress).
