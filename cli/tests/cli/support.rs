//! Running the built `kyc` binary against an in-process sandbox: a builder for one run (args,
//! environment, stdin, with a timeout; the child is killed if the test ends first, a panic
//! included), sample files in a temporary folder removed on drop, and assertions on the
//! three things a run produces (exit code, stdout JSON, one stderr line).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use kyc_sandbox::Sandbox;
use serde_json::Value;
use tokio::io::AsyncWriteExt as _;

/// Any non-empty bearer key is a Kredibel sandbox key.
pub(crate) const KREDIBEL_KEY: &str = "kredibel-cli-test-key-7f3a9c";
/// A development key (the sandbox accepts the prefix with anything after it).
pub(crate) const ILUMA_KEY: &str = "iluma_development_cliTestKey0A1b2C3d4";

/// How long one run may take before the test fails (and the child is killed).
const TIMEOUT: Duration = Duration::from_secs(60);

/// A started sandbox; dropping it stops the server.
pub(crate) async fn sandbox() -> Sandbox {
    Sandbox::start()
        .await
        .expect("the sandbox starts on 127.0.0.1:0")
}

/// One `kyc` invocation to make.
#[derive(Debug, Clone)]
pub(crate) struct Kyc {
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Vec<u8>,
    dir: Option<PathBuf>,
}

/// `kyc` with `args`, an empty environment and an empty stdin.
pub(crate) fn kyc(args: &[&str]) -> Kyc {
    Kyc {
        args: args.iter().map(|a| a.to_string()).collect(),
        env: Vec::new(),
        stdin: Vec::new(),
        dir: None,
    }
}

impl Kyc {
    /// Adds arguments.
    pub(crate) fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    /// Adds a path argument.
    pub(crate) fn arg_path(mut self, flag: &str, path: &Path) -> Self {
        self.args.push(flag.to_string());
        self.args.push(path.display().to_string());
        self
    }

    /// Sets an environment variable (the child's environment is otherwise empty).
    pub(crate) fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    /// Both API keys, as a user of both vendors has them set.
    pub(crate) fn keys(self) -> Self {
        self.env("KREDIBEL_API_KEY", KREDIBEL_KEY)
            .env("ILUMA_API_KEY", ILUMA_KEY)
    }

    /// The folder the child runs in (relative file arguments are read from it).
    pub(crate) fn dir(mut self, dir: &Path) -> Self {
        self.dir = Some(dir.to_path_buf());
        self
    }

    /// What the child reads on stdin.
    pub(crate) fn stdin(mut self, bytes: &[u8]) -> Self {
        self.stdin = bytes.to_vec();
        self
    }

    /// Runs the binary to its end, at most [`TIMEOUT`].
    pub(crate) async fn run(self) -> Run {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_kyc"));
        if let Some(dir) = &self.dir {
            command.current_dir(dir);
        }
        let mut child = command
            .args(&self.args)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the kyc binary starts");
        let mut stdin = child.stdin.take().expect("piped stdin");
        // A command that reads no stdin may exit before the write: its broken pipe is fine.
        let _ = stdin.write_all(&self.stdin).await;
        drop(stdin);
        let output = tokio::time::timeout(TIMEOUT, child.wait_with_output())
            .await
            .unwrap_or_else(|_| panic!("kyc {:?} did not finish in {TIMEOUT:?}", self.args))
            .expect("kyc runs");
        Run {
            args: self.args,
            code: output
                .status
                .code()
                .expect("kyc exits, not killed by a signal"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }
}

/// What one run produced.
#[derive(Debug)]
pub(crate) struct Run {
    args: Vec<String>,
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// Exit 0, nothing on stderr; the answer as JSON.
    pub(crate) fn success(&self) -> Value {
        assert_eq!(self.code, 0, "kyc {:?}: {self:#?}", self.args);
        assert!(self.stderr.is_empty(), "kyc {:?}: {self:#?}", self.args);
        serde_json::from_str(&self.stdout).expect("stdout is JSON")
    }

    /// Exit `code`, nothing on stdout, one line on stderr that contains each of `expected`;
    /// the line.
    pub(crate) fn failure(&self, code: i32, expected: &[&str]) -> &str {
        assert_eq!(self.code, code, "kyc {:?}: {self:#?}", self.args);
        assert!(self.stdout.is_empty(), "kyc {:?}: {self:#?}", self.args);
        let line = self
            .stderr
            .strip_suffix('\n')
            .expect("stderr ends with a newline");
        assert!(!line.contains('\n'), "one line on stderr: {self:#?}");
        assert!(line.starts_with("kyc: "), "{line}");
        for text in expected {
            assert!(line.contains(text), "`{text}` not in: {line}");
        }
        line
    }

    /// Neither output contains any of `secrets` (keys, tokens, NIKs, names).
    pub(crate) fn stderr_never_shows(&self, secrets: &[&str]) {
        for secret in secrets {
            assert!(
                !self.stderr.contains(secret),
                "stderr shows `{secret}`: {}",
                self.stderr
            );
        }
    }
}

/// A temporary folder, removed on drop (a failing test included).
#[derive(Debug)]
pub(crate) struct Files {
    dir: PathBuf,
}

impl Files {
    pub(crate) fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "kyc-cli-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("temporary folder");
        Self { dir }
    }

    /// The folder.
    pub(crate) fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` to `name` in the folder; its path.
    pub(crate) fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).expect("write a sample file");
        path
    }

    /// Writes `value` as JSON to `name`; its path.
    pub(crate) fn json(&self, name: &str, value: &Value) -> PathBuf {
        self.write(name, value.to_string().as_bytes())
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
