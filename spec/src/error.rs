//! Errors that fail the build: each names the spec file, the operation (when there is one),
//! what is wrong and how to fix it.

use std::fmt;

/// One problem with a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file, as given to the loader.
    pub file: String,
    /// `operationId (METHOD /path)`, or `METHOD /path` when the operation has no id.
    pub operation: Option<String>,
    /// What is wrong.
    pub problem: String,
    /// What to change.
    pub fix: String,
}

impl SpecError {
    /// A problem with the file as a whole.
    pub fn general(
        file: impl Into<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            file: file.into(),
            operation: None,
            problem: problem.into(),
            fix: fix.into(),
        }
    }

    /// A problem with one operation.
    pub fn operation(
        file: impl Into<String>,
        operation: impl Into<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            file: file.into(),
            operation: Some(operation.into()),
            problem: problem.into(),
            fix: fix.into(),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(operation) = &self.operation {
            write!(f, ": operation {operation}")?;
        }
        write!(f, ": {}\n    fix: {}", self.problem, self.fix)
    }
}

impl std::error::Error for SpecError {}

/// Every problem found in a spec, reported together so one build shows them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl SpecErrors {
    /// A list of one.
    pub fn one(error: SpecError) -> Self {
        Self(vec![error])
    }
}

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        writeln!(
            f,
            "{count} problem{} in the OpenAPI spec:",
            if count == 1 { "" } else { "s" }
        )?;
        for error in &self.0 {
            writeln!(f, "  - {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}

impl From<SpecError> for SpecErrors {
    fn from(error: SpecError) -> Self {
        Self::one(error)
    }
}
