//! Reading the two revisions: spec files on disk, or every spec in `openapi/` against a git
//! revision. Every failure is an [`InputError`] naming the file (or revision) and the problem;
//! the command turns it into exit code 2.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use kyc_spec::{Spec, refs};

/// Bad input: the file or revision, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file, `rev:path`, or revision concerned.
    pub file: String,
    /// What is wrong, in a sentence (may span lines when the parser lists several problems).
    pub problem: String,
}

impl InputError {
    fn new(file: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            problem: problem.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.problem)
    }
}

impl std::error::Error for InputError {}

/// One spec file in both revisions (`None` where it does not exist).
#[derive(Debug)]
pub struct SpecPair {
    /// The file, relative to the repository root (`openapi/kredibel.yaml`).
    pub file: String,
    /// The old revision.
    pub old: Option<Spec>,
    /// The new revision, with its text (which `--format github` annotates).
    pub new: Option<SpecFile>,
}

/// A spec file as read: its text and its parse.
#[derive(Debug)]
pub struct SpecFile {
    /// The text, as on disk.
    pub text: String,
    /// The parse.
    pub spec: Spec,
}

/// Reads and parses a spec file exactly as `build.rs` does (through `kyc_spec_load`), then
/// checks its references. The registry entry (`x-vendor`, ...) is not required: an old
/// revision may predate it.
pub fn load_file(path: &Path) -> Result<SpecFile, InputError> {
    let label = path.display().to_string();
    if !path.is_file() {
        let problem = if path.exists() {
            "not a file"
        } else {
            "no such file"
        };
        return Err(InputError::new(label, problem));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|err| InputError::new(&label, format!("cannot read the file: {err}")))?;
    let spec = parse_text(&label, &text)?;
    Ok(SpecFile { text, spec })
}

/// Parses spec text exactly as `build.rs` does, then checks its references. `label` names it in
/// messages.
pub fn parse_text(label: &str, text: &str) -> Result<Spec, InputError> {
    let spec = kyc_spec_load::parse_without_registry(label, text)
        .map_err(|errors| InputError::new(label, errors.to_string()))?;
    check_refs(label, &spec)?;
    Ok(spec)
}

/// Refuses a spec whose `$ref`s do not all resolve inside the file: comparing through a
/// dangling reference would silently compare nothing.
fn check_refs(label: &str, spec: &Spec) -> Result<(), InputError> {
    let dangling = refs::dangling(spec.document());
    if dangling.is_empty() {
        return Ok(());
    }
    let list = dangling
        .iter()
        .map(|(at, target)| format!("`$ref: {target}` at #{at}"))
        .collect::<Vec<_>>()
        .join("; ");
    Err(InputError::new(
        label,
        format!("references that do not resolve within the file: {list}"),
    ))
}

/// The root of the git work tree containing `dir`.
pub fn repo_root(dir: &Path) -> Result<PathBuf, InputError> {
    let out = git(dir, &["rev-parse", "--show-toplevel"])
        .map_err(|problem| InputError::new(dir.display().to_string(), problem))?;
    if !out.status.success() {
        return Err(InputError::new(
            dir.display().to_string(),
            "not inside a git work tree (`--base` compares against a git revision)",
        ));
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// Every spec in `<root>/openapi/` (`.yaml`, `.yml`, `.json`) in the work tree, paired with the
/// same file at `rev`. A spec only in the work tree is new; one only at `rev` was removed.
pub fn load_base(root: &Path, rev: &str) -> Result<Vec<SpecPair>, InputError> {
    let verify = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|problem| InputError::new(rev, problem))?;
    if !verify.status.success() {
        return Err(InputError::new(
            rev,
            "unknown git revision (for a pull request's base, fetch it first: `git fetch origin <branch>`, or check out with full history)",
        ));
    }

    let listing = git(root, &["ls-tree", "--name-only", rev, "openapi/"])
        .map_err(|problem| InputError::new(rev, problem))?;
    let mut old_files: Vec<String> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .filter(|f| is_spec(f))
        .map(str::to_string)
        .collect();
    old_files.sort();

    let mut new_files: Vec<String> = match std::fs::read_dir(root.join("openapi")) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| e.path().is_file())
            .map(|e| format!("openapi/{}", e.file_name().to_string_lossy()))
            .filter(|f| is_spec(f))
            .collect(),
        Err(_) => Vec::new(),
    };
    new_files.sort();

    let mut files = old_files.clone();
    files.extend(new_files.iter().cloned());
    files.sort();
    files.dedup();

    let mut pairs = Vec::new();
    for file in files {
        let old = if old_files.contains(&file) {
            let show = git(root, &["show", &format!("{rev}:{file}")])
                .map_err(|problem| InputError::new(format!("{rev}:{file}"), problem))?;
            if !show.status.success() {
                return Err(InputError::new(
                    format!("{rev}:{file}"),
                    format!(
                        "git show failed: {}",
                        String::from_utf8_lossy(&show.stderr).trim()
                    ),
                ));
            }
            let text = String::from_utf8(show.stdout)
                .map_err(|_| InputError::new(format!("{rev}:{file}"), "not UTF-8 text"))?;
            Some(parse_text(&format!("{rev}:{file}"), &text)?)
        } else {
            None
        };
        let new = if new_files.contains(&file) {
            Some(load_labelled(root, &file)?)
        } else {
            None
        };
        pairs.push(SpecPair { file, old, new });
    }
    Ok(pairs)
}

/// Loads `<root>/<file>` but names it `file` in messages, as the report does.
fn load_labelled(root: &Path, file: &str) -> Result<SpecFile, InputError> {
    let text = std::fs::read_to_string(root.join(file))
        .map_err(|err| InputError::new(file, format!("cannot read the file: {err}")))?;
    let spec = parse_text(file, &text)?;
    Ok(SpecFile { text, spec })
}

fn is_spec(file: &str) -> bool {
    [".yaml", ".yml", ".json"]
        .iter()
        .any(|ext| file.ends_with(ext))
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, String> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|err| format!("cannot run git: {err}"))
}

/// The version of `kyc-clients` in the `Cargo.toml` at `root`, if it is that crate's manifest.
pub fn client_crate_version(root: &Path) -> Option<String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).ok()?;
    // A line scan is enough for the root manifest's `[package]` table and spares a TOML parser.
    let mut in_package = false;
    let mut is_client = false;
    let mut version = None;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        if !in_package {
            continue;
        }
        let value = |key: &str| {
            line.strip_prefix(key)
                .map(str::trim_start)
                .and_then(|rest| rest.strip_prefix('='))
                .map(|v| v.trim().trim_matches('"').to_string())
        };
        if let Some(name) = value("name") {
            is_client = name == crate::report::CLIENT_CRATE;
        }
        if let Some(v) = value("version") {
            version = Some(v);
        }
    }
    if is_client { version } else { None }
}

/// The spec files of `dir` (`.yaml`, `.yml`, `.json`), sorted by name.
pub fn spec_paths(dir: &Path) -> Result<Vec<PathBuf>, InputError> {
    let entries = std::fs::read_dir(dir).map_err(|err| {
        InputError::new(
            dir.display().to_string(),
            format!("cannot read the folder: {err}"),
        )
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && is_spec(&p.to_string_lossy()))
        .collect();
    paths.sort();
    Ok(paths)
}

/// The texts of the spec files at `paths` (from [`spec_paths`]), each named by its path
/// relative to `root` (the git work tree, so a patch of them applies there) or as found.
pub fn spec_texts(
    paths: &[PathBuf],
    root: Option<&Path>,
) -> Result<Vec<crate::suggest::SpecText>, InputError> {
    let root = root.and_then(|r| r.canonicalize().ok());
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).map_err(|err| {
                InputError::new(
                    path.display().to_string(),
                    format!("cannot read the file: {err}"),
                )
            })?;
            let absolute = path.canonicalize().unwrap_or_else(|_| path.clone());
            let file = root
                .as_deref()
                .and_then(|r| absolute.strip_prefix(r).ok())
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            Ok(crate::suggest::SpecText { file, text })
        })
        .collect()
}
