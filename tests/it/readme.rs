//! The READMEs' code works as written: the root README's example is `tests/consumer` (compared
//! here, compiled and run there), its dependency lines name what exists, and the sandbox
//! README's Rust blocks are the bodies of the tests below (compiled and run here, compared with
//! the README text). The `kyc` commands of the root README run in `cli/tests/cli/readme.rs`.

use std::path::Path;

/// A file of the repository, as text.
fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|err| panic!("{}: {err}", full.display()))
}

/// The code blocks of `markdown` fenced as `lang`, in order.
fn blocks(markdown: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.trim_start() == format!("```{lang}") => current = Some(Vec::new()),
            Some(lines) if line.trim_start() == "```" => {
                out.push(lines.join("\n"));
                current = None;
            }
            Some(lines) => lines.push(line),
            None => {}
        }
    }
    out
}

/// The first block of `lang` in the section of the heading that starts with `heading` (up to
/// the next heading; a `#` inside a code block is no heading).
fn block_under(markdown: &str, heading: &str, lang: &str) -> String {
    let mut section = Vec::new();
    let mut inside = false;
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        if !fenced && line.starts_with('#') {
            inside = line.starts_with(heading);
            continue;
        }
        if inside {
            section.push(line);
        }
    }
    blocks(&section.join("\n"), lang)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no `{lang}` block under `{heading}`"))
}

/// The lines of `source` between the line holding `from` and the line holding `to`, without
/// the indentation of the first of them.
fn between(source: &str, from: &str, to: &str) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.contains(from))
        .unwrap_or_else(|| panic!("no `{from}`"));
    let end = start
        + lines[start..]
            .iter()
            .position(|l| l.contains(to))
            .unwrap_or_else(|| panic!("no `{to}` after `{from}`"));
    let body = &lines[start + 1..end];
    let indent = body
        .iter()
        .find(|l| !l.trim().is_empty())
        .map_or(0, |l| l.len() - l.trim_start().len());
    body.iter()
        .map(|l| l.get(indent..).unwrap_or_else(|| l.trim_start()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What the README shows must be what the test holds, line for line.
fn assert_same(readme: &str, shown: &str, source: &str, held: &str) {
    if shown.trim_end() != held.trim_end() {
        let line = shown
            .lines()
            .zip(held.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || "one is longer".to_string(),
                |i| format!("line {}", i + 1),
            );
        panic!(
            "{readme} shows other code than {source} ({line} of the block differs): \
             change both\n--- {readme}\n{shown}\n--- {source}\n{held}"
        );
    }
}

#[test]
fn the_root_readme_example_is_tests_consumer() {
    let readme = read("README.md");
    let lib = read("tests/consumer/src/lib.rs");
    let code: Vec<&str> = lib
        .lines()
        .skip_while(|l| l.starts_with("//!"))
        .skip_while(|l| l.is_empty())
        .collect();
    let shown = block_under(&readme, "## Using the crate", "rust");
    assert_same(
        "README.md",
        &shown,
        "tests/consumer/src/lib.rs",
        &code.join("\n"),
    );

    let shown = block_under(&readme, "### Testing your code", "rust");
    let tests = read("tests/consumer/tests/sandbox.rs");
    let first = shown.lines().nth(1).expect("a test function");
    let start = tests
        .find(first)
        .and_then(|at| tests[..at].rfind("#[tokio::test]"))
        .unwrap_or_else(|| panic!("tests/consumer/tests/sandbox.rs has no `{first}`"));
    let end = tests[start..]
        .find("\n}\n")
        .map_or(tests.len(), |at| start + at + 2);
    assert_same(
        "README.md",
        &shown,
        "tests/consumer/tests/sandbox.rs",
        &tests[start..end],
    );
}

/// The dependency lines are pasted into another project's `Cargo.toml`: a git dependency on
/// this repository names a branch or a commit, or a tag only when the repository has it (it
/// has none yet: `tag = "v0.1.0"` failed with "failed to find tag").
#[test]
fn the_readme_dependency_lines_name_what_exists() {
    let readme = read("README.md");
    let toml = block_under(&readme, "## Using the crate", "toml");
    let git_lines: Vec<&str> = toml.lines().filter(|l| l.contains("git = ")).collect();
    assert!(
        git_lines.iter().any(|l| l.starts_with("kyc-clients "))
            && git_lines.iter().any(|l| l.starts_with("kyc-sandbox ")),
        "{toml}"
    );
    let tags = std::process::Command::new("git")
        .args(["tag", "--list"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default();
    for line in git_lines {
        let value = |key: &str| {
            line.split(&format!("{key} = \""))
                .nth(1)
                .and_then(|rest| rest.split('"').next())
        };
        assert!(
            value("branch").is_some() || value("rev").is_some() || value("tag").is_some(),
            "README.md: `{line}` pins nothing"
        );
        if let Some(tag) = value("tag") {
            assert!(
                tags.lines().any(|t| t == tag),
                "README.md: `{line}` names tag {tag}, which this repository does not have"
            );
        }
    }
}

// sandbox/README.md, "In-process, from tests".
#[tokio::test]
async fn sandbox_readme_in_process() -> Result<(), Box<dyn std::error::Error>> {
    // README: begin
    use kyc_clients::{Environment, kredibel};
    use kyc_sandbox::samples::Image;
    use kyc_sandbox::{FaultRule, RateLimit, Sandbox, SandboxConfig};

    let sandbox = Sandbox::start().await?; // 127.0.0.1, port 0
    let client = kredibel::Client::with_api_key(
        Environment::Custom(sandbox.kredibel_url()), // http://127.0.0.1:PORT/kredibel
        "any-key",
    )?;
    // sandbox.iluma_url() is http://127.0.0.1:PORT/iluma
    let request = kredibel::types::BiometricVerificationRequest::builder()
        .identity_id("1234567890123456")
        .face_image(Image::jpeg(600, 800).bytes(150 * 1024));
    client.verify_biometric().body(request).send().await?;
    assert_eq!(sandbox.requests().count("verify_biometric"), 1); // per operationId
    assert_eq!(sandbox.requests().total(), 1);

    let limited = Sandbox::start_with(
        SandboxConfig::default()
            .with_rate_limit(RateLimit::per_second(10))
            .with_fault(FaultRule::status(503).on("screen_individual").times(2))
            .with_seed(7), // reproducible ids
    )
    .await?;
    limited.shutdown().await;
    // README: end
    Ok(())
}

// sandbox/README.md, "Serving another spec" (run from the repository root, as cargo runs
// this test).
#[tokio::test]
async fn sandbox_readme_another_spec() -> Result<(), Box<dyn std::error::Error>> {
    // README: begin
    use kyc_sandbox::{Sandbox, SandboxConfig};
    use std::path::Path;

    let acme = kyc_spec_load::load(Path::new("tests/acme/openapi/acme.yaml"))?.spec;
    let sandbox = Sandbox::start_with(SandboxConfig::default().with_spec(acme)).await?;
    let url = sandbox.url("acme"); // Some("http://127.0.0.1:PORT/acme")
    // README: end
    assert!(url.is_some_and(|url| url.ends_with("/acme")));
    Ok(())
}

#[test]
fn the_sandbox_readme_blocks_are_the_tests_above() {
    let readme = read("sandbox/README.md");
    let source = read("tests/it/readme.rs");
    let held = |test: &str| {
        let from = source
            .find(&format!("async fn {test}("))
            .unwrap_or_else(|| panic!("no test {test}"));
        between(&source[from..], "// README: begin", "// README: end")
    };
    let in_process = blocks(&readme, "rust")
        .into_iter()
        .find(|b| b.contains("Sandbox::start()"))
        .expect("the in-process block");
    assert_same(
        "sandbox/README.md",
        &in_process,
        "tests/it/readme.rs",
        &held("sandbox_readme_in_process"),
    );
    let another = block_under(&readme, "## Serving another spec", "rust");
    assert_same(
        "sandbox/README.md",
        &another,
        "tests/it/readme.rs",
        &held("sandbox_readme_another_spec"),
    );
}
