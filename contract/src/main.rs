//! `kyc-contract`: classifies spec changes for reviewers (`diff`), and turns observed
//! traffic into spec edits (`suggest`).
//!
//! Exit codes: 0 nothing breaks, 1 something breaks (on the wire or for Rust callers), 2 bad
//! input (unreadable file, a spec that does not parse, an unknown git revision, bad arguments).
//! `suggest` exits 0 whatever its edits break (its stderr says), 2 on bad input.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use kyc_contract::annotate::NewSpec;
use kyc_contract::input::{self, InputError, SpecFile};
use kyc_contract::suggest::{self, Evidence};
use kyc_contract::{Report, Rule, diff_vendor};

#[derive(Debug, Parser)]
#[command(
    name = "kyc-contract",
    version,
    about = "What a change to the vendor OpenAPI specs breaks, on the wire and for Rust callers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compare two spec files, or every spec in openapi/ against a git revision.
    Diff(DiffArgs),
    /// Print every rule with its class, as a Markdown table.
    Rules,
    /// Print the smallest spec edits that make observed traffic conform, as a unified diff
    /// (`git apply` takes it); notes and the contract review of the edits go to stderr.
    Suggest(SuggestArgs),
}

#[derive(Debug, Args)]
struct SuggestArgs {
    /// A validating proxy's report (`kyc-sandbox proxy --report FILE`). Repeatable.
    #[arg(long, value_name = "FILE")]
    report: Vec<PathBuf>,
    /// `kyc.drift` events as JSON lines (tracing-subscriber's JSON layer; other lines are
    /// skipped). Repeatable.
    #[arg(long, value_name = "FILE")]
    drift: Vec<PathBuf>,
    /// The proxy's recordings (`kyc-sandbox proxy --record DIR`): the shapes and JSON types
    /// that make an edit precise. Alone, their violations are the evidence.
    #[arg(long, value_name = "DIR")]
    recordings: Option<PathBuf>,
    /// The folder of the spec files [default: openapi/ of the git work tree].
    #[arg(long, value_name = "DIR")]
    specs: Option<PathBuf>,
    /// Also write the edits into the spec files.
    #[arg(long)]
    write: bool,
}

#[derive(Debug, Args)]
struct DiffArgs {
    /// The old revision of the spec.
    #[arg(required_unless_present = "base", conflicts_with = "base")]
    old: Option<PathBuf>,
    /// The new revision of the spec.
    #[arg(required_unless_present = "base", conflicts_with = "base")]
    new: Option<PathBuf>,
    /// Compare every spec in openapi/ (work tree) with the same files at this git revision.
    #[arg(long, value_name = "GIT-REV")]
    base: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// A one-page report for reviewers.
    Markdown,
    /// The structure documented in contract/README.md.
    Json,
    /// One GitHub workflow annotation per change (`::error` breaking, `::notice` compatible),
    /// on the line of the new spec where the change is.
    Github,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Rules => {
            print!("{}", Rule::catalogue_markdown());
            ExitCode::SUCCESS
        }
        Command::Suggest(args) => match run_suggest(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("kyc-contract: bad input: {err}");
                ExitCode::from(2)
            }
        },
        Command::Diff(args) => match run_diff(&args) {
            Ok((report, new_files)) => {
                match args.format {
                    Format::Markdown => print!("{}", report.to_markdown()),
                    Format::Json => println!(
                        "{}",
                        serde_json::to_string_pretty(&report.to_json()).unwrap_or_default()
                    ),
                    Format::Github => {
                        let specs: Vec<NewSpec<'_>> = new_files
                            .iter()
                            .map(|(file, new)| NewSpec {
                                file,
                                text: &new.text,
                                spec: &new.spec,
                            })
                            .collect();
                        print!("{}", report.to_github(&specs));
                    }
                }
                if report.is_breaking() {
                    ExitCode::from(1)
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(err) => {
                eprintln!("kyc-contract: bad input: {err}");
                ExitCode::from(2)
            }
        },
    }
}

/// `suggest`: the patch on stdout, the notes and the contract review on stderr.
fn run_suggest(args: &SuggestArgs) -> Result<(), InputError> {
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path).map_err(|err| InputError {
            file: path.display().to_string(),
            problem: format!("cannot read the file: {err}"),
        })
    };
    let mut evidence = Evidence::default();
    for path in &args.report {
        evidence.read_report(&path.display().to_string(), &read(path)?)?;
    }
    for path in &args.drift {
        evidence.read_drift(&path.display().to_string(), &read(path)?)?;
    }
    if let Some(dir) = &args.recordings {
        evidence.read_recordings(dir)?;
    }
    if args.report.is_empty() && args.drift.is_empty() && args.recordings.is_none() {
        return Err(InputError {
            file: "arguments".into(),
            problem: "give --report FILE, --drift FILE or --recordings DIR".into(),
        });
    }
    let cwd = std::env::current_dir().map_err(|err| InputError {
        file: ".".into(),
        problem: format!("cannot read the current directory: {err}"),
    })?;
    let root = input::repo_root(&cwd).ok();
    let dir = match (&args.specs, &root) {
        (Some(dir), _) => dir.clone(),
        (None, Some(root)) => root.join("openapi"),
        (None, None) => {
            return Err(InputError {
                file: ".".into(),
                problem: "not inside a git work tree: give --specs DIR".into(),
            });
        }
    };
    let paths = input::spec_paths(&dir)?;
    let specs = input::spec_texts(&paths, root.as_deref())?;
    let suggestion = suggest::suggest(&specs, &evidence)?;
    print!("{}", suggestion.patch());
    for note in &suggestion.notes {
        eprintln!("kyc-contract suggest: not suggested: {note}");
    }
    if suggestion.is_empty() {
        eprintln!(
            "kyc-contract suggest: no edit: the traffic conforms, or nothing above can be edited"
        );
        return Ok(());
    }
    eprintln!("kyc-contract suggest: the contract review of this patch:\n");
    eprint!("{}", suggestion.report.to_markdown());
    if args.write {
        for file in &suggestion.files {
            let path = specs
                .iter()
                .zip(&paths)
                .find(|(s, _)| s.file == file.file)
                .map(|(_, path)| path)
                .ok_or_else(|| InputError {
                    file: file.file.clone(),
                    problem: "cannot find the file again".into(),
                })?;
            std::fs::write(path, &file.new).map_err(|err| InputError {
                file: path.display().to_string(),
                problem: format!("cannot write the file: {err}"),
            })?;
            eprintln!("kyc-contract suggest: wrote {}", file.file);
        }
    }
    Ok(())
}

/// The report, and the new revision of each file it names (for the annotations' lines).
fn run_diff(args: &DiffArgs) -> Result<(Report, Vec<(String, SpecFile)>), InputError> {
    let cwd = std::env::current_dir().map_err(|err| InputError {
        file: ".".into(),
        problem: format!("cannot read the current directory: {err}"),
    })?;
    let (vendors, new_files, version_root) = match (&args.base, &args.old, &args.new) {
        (Some(rev), _, _) => {
            let root = input::repo_root(&cwd)?;
            let pairs = input::load_base(&root, rev)?;
            let vendors = pairs
                .iter()
                .map(|p| diff_vendor(&p.file, p.old.as_ref(), p.new.as_ref().map(|n| &n.spec)))
                .collect();
            let new_files = pairs
                .into_iter()
                .filter_map(|p| Some((p.file, p.new?)))
                .collect();
            (vendors, new_files, Some(root))
        }
        (None, Some(old), Some(new)) => {
            let (old_file, new_file) = (input::load_file(old)?, input::load_file(new)?);
            let file = new.display().to_string();
            let vendor = diff_vendor(&file, Some(&old_file.spec), Some(&new_file.spec));
            // The crate version is advisory: outside the repository the report still works.
            (
                vec![vendor],
                vec![(file, new_file)],
                input::repo_root(&cwd).ok(),
            )
        }
        _ => {
            return Err(InputError {
                file: "arguments".into(),
                problem: "give OLD and NEW spec files, or --base <git-rev>".into(),
            });
        }
    };
    let report = Report::new(vendors);
    let report = match version_root
        .as_deref()
        .and_then(input::client_crate_version)
    {
        Some(version) => report.with_crate_version(version),
        None => report,
    };
    Ok((report, new_files))
}
