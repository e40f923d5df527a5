//! A successful answer on stdout: the decoded response as pretty JSON, personal data and
//! secrets masked along the spec's `x-pii` paths (the library's catalog) unless `--reveal`.

use std::io::Write as _;

use kyc_clients::privacy::{self, Pii};
use kyc_clients::{ResponseValue, VendorError, catalog};
use serde_json::Value;

use crate::failure::Failure;

/// The answer of a generated (or hand-written) call, as JSON, or its failure.
pub(crate) fn answer<T: serde::Serialize, K: kyc_clients::ErrorKind>(
    result: Result<ResponseValue<T>, VendorError<K>>,
) -> Result<Value, Failure> {
    let response = result.map_err(Failure::from_vendor)?;
    let status = response.status().as_u16();
    serde_json::to_value(response.into_inner()).map_err(|err| Failure::Decode {
        status: Some(status),
        detail: crate::failure::without_values(&err.to_string()),
    })
}

/// The `x-pii` paths of `operation`'s success type, from a vendor's catalog.
pub(crate) fn success_pii(
    operations: &[catalog::Operation],
    pii_paths: fn(&str) -> &'static [(&'static str, Pii)],
    operation: &str,
) -> &'static [(&'static str, Pii)] {
    operations
        .iter()
        .find(|op| op.operation_id == operation)
        .map_or(&[], |op| pii_paths(op.success_type))
}

/// Prints `answer` on stdout, masked along `pii` unless `reveal`.
pub(crate) fn print(mut answer: Value, pii: &[(&str, Pii)], reveal: bool) -> Result<(), Failure> {
    if !reveal {
        privacy::redact(&mut answer, pii);
    }
    let mut text = serde_json::to_string_pretty(&answer)
        .map_err(|err| Failure::Transport(format!("cannot write the answer: {err}")))?;
    text.push('\n');
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        // A closed pipe (`kyc ... | head`) is the reader's choice, not a failure.
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::Transport(
            format!("cannot write to stdout: {}", err.kind()),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_masked_along_the_catalog() {
        let pii = success_pii(
            kyc_clients::kredibel::catalog::OPERATIONS,
            kyc_clients::kredibel::catalog::pii_paths,
            "verify_biometric",
        );
        let mut answer = serde_json::json!({"data": {"identityId": "1234567890123456"}});
        privacy::redact(&mut answer, pii);
        assert_eq!(answer["data"]["identityId"], "1234********3456");
        let none = success_pii(
            kyc_clients::kredibel::catalog::OPERATIONS,
            kyc_clients::kredibel::catalog::pii_paths,
            "no_such_operation",
        );
        assert!(none.is_empty());
    }
}
