//! Integration tests of kyc-contract: one binary, modules per topic.
