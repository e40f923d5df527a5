//! The command line: exit codes 0 (nothing breaks), 1 (something breaks), 2 (bad input), and
//! `--base` against throw-away git repositories (never the project's own history).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{data, req, temp_dir};

const STR: &str = "{type: object, properties: {a: {type: string}}}";

/// Runs `kyc-contract` in `dir`, isolated from any git environment of the caller.
fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kyc-contract"))
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("run kyc-contract")
}

/// `kyc-contract diff OLD NEW` on two files.
fn diff_files(dir: &Path, old: &Path, new: &Path) -> Output {
    run(dir, &["diff", old.to_str().unwrap(), new.to_str().unwrap()])
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create dirs");
    }
    std::fs::write(&path, text).expect("write test file");
    path
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("run git");
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// A git repository whose first commit holds `openapi/<name>` for each `(name, text)`.
fn repo(test: &str, specs: &[(&str, &str)]) -> PathBuf {
    let dir = temp_dir(test);
    git(&dir, &["init", "-q"]);
    for (name, text) in specs {
        write(&dir, &format!("openapi/{name}"), text);
    }
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    dir
}

#[test]
fn identical_files_exit_0() {
    let dir = temp_dir("identical");
    let old = write(&dir, "old.yaml", &req(STR));
    let out = diff_files(&dir, &old, &old);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("**No changes**"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn compatible_change_exits_0() {
    let dir = temp_dir("compatible");
    let old = write(&dir, "old.yaml", &req(STR));
    let new = write(
        &dir,
        "new.yaml",
        &req("{type: object, properties: {a: {type: string}, b: {type: string}}}"),
    );
    let out = diff_files(&dir, &old, &new);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with(
            "**Compatible** — 0 breaking on the wire, 0 breaking for Rust callers, 1 compatible"
        ),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("**patch** bump"), "{}", stdout(&out));
}

/// The issue's "done when", through the binary: the three-change Kredibel edit exits 1.
#[test]
fn kredibel_three_changes_exit_1() {
    let dir = temp_dir("three");
    let (old, new) = (
        data("kredibel/base.yaml"),
        data("kredibel/three-changes.yaml"),
    );
    let out = diff_files(&dir, &old, &new);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "**Breaking** — 1 breaking on the wire, 1 breaking for Rust callers, 1 compatible"
        ),
        "{text}"
    );
    for needle in [
        "**Breaking (wire)**",
        "**Breaking (Rust)**",
        "**Compatible**",
        "`request-constraint-tightened`",
        "`operation-id-renamed`",
        "`request-property-added-optional`",
    ] {
        assert!(text.contains(needle), "missing {needle}:\n{text}");
    }
}

#[test]
fn json_format_is_machine_readable() {
    let dir = temp_dir("json");
    let (old, new) = (
        data("kredibel/base.yaml"),
        data("kredibel/three-changes.yaml"),
    );
    let out = run(
        &dir,
        &[
            "diff",
            "--format",
            "json",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["verdict"], "breaking");
    assert_eq!(
        json["counts"],
        serde_json::json!({
            "breaking_wire": 1,
            "breaking_rust": 1,
            "breaking_wire_and_rust": 0,
            "compatible": 1
        })
    );
    assert_eq!(json["semver"]["bump"], "minor");
    let change = &json["vendors"][0]["changes"][0];
    for key in [
        "class",
        "rule",
        "operation",
        "location",
        "defined_at",
        "message",
        "rust_effect",
    ] {
        assert!(change.get(key).is_some(), "change lacks `{key}`: {change}");
    }
}

#[test]
fn missing_file_exits_2_naming_it() {
    let dir = temp_dir("missing");
    let old = write(&dir, "old.yaml", &req(STR));
    let out = run(&dir, &["diff", old.to_str().unwrap(), "nowhere/new.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("nowhere/new.yaml: no such file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn invalid_yaml_exits_2_naming_the_file() {
    let dir = temp_dir("invalid-yaml");
    let old = write(&dir, "old.yaml", &req(STR));
    let bad = write(
        &dir,
        "bad.yaml",
        "openapi: 3.0.3\ninfo: {title: x\n  version: [\n",
    );
    let out = diff_files(&dir, &old, &bad);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("bad.yaml") && err.contains("not valid YAML"),
        "{err}"
    );
}

#[test]
fn spec_that_does_not_parse_exits_2() {
    let dir = temp_dir("not-openapi");
    let old = write(&dir, "old.yaml", &req(STR));
    let v31 = write(
        &dir,
        "v31.yaml",
        &req(STR).replace("openapi: 3.0.3", "openapi: 3.1.0"),
    );
    let out = diff_files(&dir, &old, &v31);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("v31.yaml") && stderr(&out).contains("3.1.0"),
        "{}",
        stderr(&out)
    );

    let shape = write(
        &dir,
        "shape.yaml",
        "openapi: 3.0.3\ninfo: {title: x, version: \"1\"}\npaths: [1, 2]\n",
    );
    let out = diff_files(&dir, &old, &shape);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("shape.yaml") && stderr(&out).contains("not a valid OpenAPI"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn dangling_ref_exits_2() {
    let dir = temp_dir("dangling");
    let old = write(&dir, "old.yaml", &req(STR));
    let new = write(
        &dir,
        "new.yaml",
        &req(r##"{type: object, properties: {a: {$ref: "#/components/schemas/Gone"}}}"##),
    );
    let out = diff_files(&dir, &old, &new);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("new.yaml") && err.contains("#/components/schemas/Gone"),
        "{err}"
    );
}

#[test]
fn missing_arguments_exit_2() {
    let dir = temp_dir("no-args");
    let out = run(&dir, &["diff"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn base_with_unknown_revision_exits_2() {
    let dir = repo("unknown-rev", &[("api.yaml", &req(STR))]);
    let out = run(&dir, &["diff", "--base", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no-such-branch: unknown git revision"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn base_outside_a_git_repository_exits_2() {
    let dir = temp_dir("no-git");
    write(&dir, "openapi/api.yaml", &req(STR));
    let out = run(&dir, &["diff", "--base", "HEAD"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not inside a git work tree"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn base_compares_the_work_tree_with_a_revision() {
    let dir = repo(
        "base-diff",
        &[("api.yaml", &req(STR)), ("other.yaml", &req(STR))],
    );
    // Unchanged work tree: nothing to report.
    let out = run(&dir, &["diff", "--base", "HEAD"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );

    // A required field made optional in the work tree, and a new spec.
    write(
        &dir,
        "openapi/api.yaml",
        &req("{type: object, required: [b], properties: {a: {type: string}, b: {type: string}}}"),
    );
    write(&dir, "openapi/new.yaml", &req(STR));
    let out = run(&dir, &["diff", "--base", "HEAD"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.contains("## Test API (`openapi/api.yaml`)"), "{text}");
    assert!(text.contains("`request-property-added-required`"), "{text}");
    assert!(text.contains("(`openapi/new.yaml`) — new spec"), "{text}");
    assert!(
        text.contains("(`openapi/other.yaml`)\n\nNo changes."),
        "{text}"
    );
}

#[test]
fn base_reports_a_removed_spec_as_breaking() {
    let dir = repo(
        "base-removed",
        &[("api.yaml", &req(STR)), ("gone.yaml", &req(STR))],
    );
    std::fs::remove_file(dir.join("openapi/gone.yaml")).expect("remove");
    let out = run(&dir, &["diff", "--base", "HEAD", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let gone = json["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["file"] == "openapi/gone.yaml")
        .expect("gone.yaml listed");
    assert_eq!(gone["status"], "removed");
    assert_eq!(gone["changes"][0]["rule"], "spec-removed");
    assert_eq!(gone["changes"][0]["class"], "breaking-wire");
}

/// `--format github` names the NEW file as given, and keeps the exit codes.
#[test]
fn github_format_annotates_the_new_file() {
    let dir = temp_dir("github-files");
    let old = write(&dir, "old.yaml", &req(STR));
    let new = write(
        &dir,
        "specs/new.yaml",
        &req("{type: object, required: [a], properties: {a: {type: string}}}"),
    );
    let out = run(
        &dir,
        &[
            "diff",
            old.to_str().unwrap(),
            "specs/new.yaml",
            "--format",
            "github",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with(
            "::error file=specs/new.yaml,line=12,title=request-property-became-required::Breaking (wire) in `create_thing` — request body field `a`: "
        ),
        "{}",
        stdout(&out)
    );
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stdout(&out));

    let same = run(
        &dir,
        &[
            "diff",
            new.to_str().unwrap(),
            new.to_str().unwrap(),
            "--format",
            "github",
        ],
    );
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert_eq!(stdout(&same), "");
}

/// With `--base`, annotations name the repository path; a new spec is annotated at line 1, a
/// compatible change as a notice.
#[test]
fn github_format_with_base_uses_repository_paths() {
    let dir = repo("github-base", &[("api.yaml", &req(STR))]);
    write(
        &dir,
        "openapi/api.yaml",
        &req("{type: object, properties: {a: {type: string}, b: {type: string}}}"),
    );
    write(&dir, "openapi/new.yaml", &req(STR));
    let out = run(&dir, &["diff", "--base", "HEAD", "--format", "github"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with(
            "::notice file=openapi/api.yaml,line=12,title=request-property-added-optional::Compatible in `create_thing` — request body field `b`: new optional field"
        ),
        "{text}"
    );
    assert!(
        lines[1].starts_with(
            "::notice file=openapi/new.yaml,line=1,title=spec-added::Compatible — new spec `openapi/new.yaml`"
        ),
        "{text}"
    );
}

#[test]
fn base_with_a_broken_old_spec_names_the_revision() {
    let dir = repo("base-broken", &[("api.yaml", "openapi: 3.0.3\ninfo: [\n")]);
    write(&dir, "openapi/api.yaml", &req(STR));
    let out = run(&dir, &["diff", "--base", "HEAD"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("HEAD:openapi/api.yaml"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn rules_subcommand_lists_every_rule() {
    let dir = temp_dir("rules");
    let out = run(&dir, &["rules"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for rule in kyc_contract::Rule::ALL {
        assert!(
            text.contains(&format!("`{}`", rule.id())),
            "missing {}",
            rule.id()
        );
    }
}

/// The reviewer's README documents every rule, so it cannot fall behind the catalogue.
#[test]
fn readme_documents_every_rule() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("contract/README.md");
    let missing: Vec<&str> = kyc_contract::Rule::ALL
        .iter()
        .map(|r| r.id())
        .filter(|id| !readme.contains(&format!("`{id}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "contract/README.md does not mention: {missing:?}"
    );
}

/// The third vendor of `tests/acme/` (README, "Adding a vendor"): its spec is diffed as it is,
/// with nothing in the tool listing vendors.
fn acme_spec() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/acme/openapi/acme.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// A tightened image limit on the third vendor's one image field breaks callers on the wire:
/// exit 1, with the rule, the operation and what it does to callers.
#[test]
fn third_vendor_tightened_image_limit_exits_1() {
    let dir = temp_dir("acme-tightened");
    let spec = acme_spec();
    assert!(spec.contains("x-min-bytes: 10240"), "the acme spec changed");
    let old = write(&dir, "acme-old.yaml", &spec);
    let new = write(
        &dir,
        "acme-new.yaml",
        &spec.replace("x-min-bytes: 10240", "x-min-bytes: 20480"),
    );
    let out = diff_files(&dir, &old, &new);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "**Breaking** — 1 breaking on the wire, 0 breaking for Rust callers, 0 compatible"
        ),
        "{text}"
    );
    for needle in [
        "`request-image-limit-tightened`",
        "check_face",
        "Acme Face Check",
    ] {
        assert!(text.contains(needle), "missing {needle}:\n{text}");
    }
}

/// A loosened limit on the same field is compatible: exit 0.
#[test]
fn third_vendor_loosened_image_limit_exits_0() {
    let dir = temp_dir("acme-loosened");
    let spec = acme_spec();
    assert!(
        spec.contains("x-max-bytes: 1000000"),
        "the acme spec changed"
    );
    let old = write(&dir, "acme-old.yaml", &spec);
    let new = write(
        &dir,
        "acme-new.yaml",
        &spec.replace("x-max-bytes: 1000000", "x-max-bytes: 2000000"),
    );
    let out = diff_files(&dir, &old, &new);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("**Compatible**"), "{text}");
    assert!(text.contains("`request-image-limit-relaxed`"), "{text}");
}
