//! Errors that fail the build: each names the spec file, the operation or the node (JSON
//! pointer and line) when there is one, what is wrong and how to fix it.

use std::fmt;

/// One problem with a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file, as given to the loader.
    pub file: String,
    /// `operationId (METHOD /path)`, or `METHOD /path` when the operation has no id.
    pub operation: Option<String>,
    /// The JSON pointer of the node at fault (`/components/schemas/Nik/type`), when the problem
    /// is with one node.
    pub pointer: Option<String>,
    /// The 1-based line of that node in the spec file, when known.
    pub line: Option<usize>,
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
            pointer: None,
            line: None,
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
            pointer: None,
            line: None,
            problem: problem.into(),
            fix: fix.into(),
        }
    }

    /// A problem with one node of the file, named by its JSON pointer (the line is added by
    /// [`SpecError::with_line`], or by `SpecErrors::locate` from the file's text).
    pub fn at(
        file: impl Into<String>,
        pointer: impl Into<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            pointer: Some(pointer.into()),
            ..Self::general(file, problem, fix)
        }
    }

    /// The same problem, at `line` of the file.
    pub fn with_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `file:line:` first, the form editors and terminals turn into a link.
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        // The operation names the place well enough; its pointer only finds the line.
        match (&self.operation, &self.pointer) {
            (Some(operation), _) => write!(f, ": operation {operation}")?,
            (None, Some(pointer)) => {
                write!(f, ": at {}", if pointer.is_empty() { "/" } else { pointer })?;
            }
            (None, None) => {}
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
