//! Runs the real `explainer` binary on small sites in temporary folders.
//! When a run does not go as expected, the panic message shows the command,
//! the site's files, stdout and stderr, so the failure explains itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_explainer");

/// Where fixture sites live.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A site in a temporary folder.
pub struct Site {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

impl Site {
    pub fn empty() -> Site {
        let dir = tempfile::tempdir().expect("create a temporary folder");
        let root = dir.path().join("site");
        std::fs::create_dir(&root).expect("create the site folder");
        Site { _dir: dir, root }
    }

    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Site {
        let site = Site::empty();
        copy_tree(&fixtures().join(name), &site.root);
        site
    }

    /// The base fixture: home, one page, one section with a dated note.
    pub fn base() -> Site {
        Site::fixture("base")
    }

    /// The folder that holds the site folder, for outputs outside the site.
    pub fn outside(&self) -> PathBuf {
        self.root
            .parent()
            .expect("the site folder has a parent")
            .to_path_buf()
    }

    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) -> &Self {
        let path = self.root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        self
    }

    pub fn remove(&self, path: &str) -> &Self {
        let path = self.root.join(path);
        if path.is_dir() {
            std::fs::remove_dir_all(&path).unwrap();
        } else {
            std::fs::remove_file(&path).unwrap();
        }
        self
    }

    pub fn read(&self, path: &str) -> String {
        let full = self.root.join(path);
        std::fs::read_to_string(&full)
            .unwrap_or_else(|e| panic!("cannot read {path}: {e}\nfiles:\n{}", listing(&self.root)))
    }

    pub fn exists(&self, path: &str) -> bool {
        self.root.join(path).exists()
    }

    /// Runs the binary in the site's folder.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(&self.root, args)
    }

    /// `build`, which must succeed.
    pub fn build(&self) -> Run {
        self.run(&["build"]).success()
    }

    /// Every file under `path` with its bytes.
    pub fn tree(&self, path: &str) -> BTreeMap<String, Vec<u8>> {
        tree(&self.root.join(path))
    }

    /// [`Site::tree`] of a folder a running `watch` may be replacing: `None`
    /// when a file went away between the listing and its reading.
    pub fn tree_now(&self, path: &str) -> Option<BTreeMap<String, Vec<u8>>> {
        tree_if_whole(&self.root.join(path))
    }
}

/// Every file under `dir`, by path relative to it, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    tree_if_whole(dir).expect("every file listed under the folder is read")
}

/// [`tree`], or `None` when a file went away between the listing and its
/// reading.
fn tree_if_whole(dir: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e
                .path()
                .strip_prefix(dir)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            Some((relative, std::fs::read(e.path()).ok()?))
        })
        .collect()
}

/// Makes a named pipe at `path`: what a hostile site may hold where a file
/// should be (git cannot hold one).
pub fn make_fifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o644),
        0,
    )
    .unwrap();
}

/// Copies a folder, keeping symbolic links as links.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.path_is_symlink() {
            let link = std::fs::read_link(entry.path()).unwrap();
            std::os::unix::fs::symlink(link, &target).unwrap();
        } else if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn listing(dir: &Path) -> String {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| format!("  {}", e.path().strip_prefix(dir).unwrap_or(e.path()).display()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What one run of the binary did.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub timed_out: bool,
    description: String,
}

/// Longest a run may take before it counts as a hang.
const TIME_LIMIT: Duration = Duration::from_secs(60);

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the explainer binary");
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let started = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            timed_out = true;
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let run = Run {
        code: status.code(),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
        timed_out,
        description: String::new(),
    };
    let description = format!(
        "command: explainer {}\nin: {}\nfiles:\n{}\nexit code: {:?}{}\n--- stdout ---\n{}--- stderr ---\n{}",
        args.join(" "),
        dir.display(),
        listing(dir),
        run.code,
        if timed_out { " (killed: took too long)" } else { "" },
        run.stdout,
        run.stderr
    );
    Run { description, ..run }
}

impl Run {
    /// The run of another program, described by `command`.
    pub fn from_output(command: String, output: std::process::Output) -> Run {
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let description = format!(
            "command: {command}\nexit code: {:?}\n--- stdout ---\n{stdout}--- stderr ---\n{stderr}",
            output.status.code()
        );
        Run {
            code: output.status.code(),
            stdout,
            stderr,
            timed_out: false,
            description,
        }
    }

    #[track_caller]
    pub fn success(self) -> Self {
        assert!(
            self.code == Some(0) && !self.timed_out,
            "expected success\n{}",
            self.description
        );
        self
    }

    #[track_caller]
    pub fn failure(self, code: i32) -> Self {
        assert!(
            self.code == Some(code) && !self.timed_out,
            "expected exit code {code}\n{}",
            self.description
        );
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("RUST_BACKTRACE"),
            "the binary panicked\n{}",
            self.description
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, text: &str) -> &Self {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}\n{}",
            self.description
        );
        self
    }

    #[track_caller]
    pub fn stdout_has(&self, text: &str) -> &Self {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}\n{}",
            self.description
        );
        self
    }

    pub fn describe(&self) -> &str {
        &self.description
    }
}

/// A `watch` or `serve` running in the background; killed when dropped.
pub struct Background {
    child: std::process::Child,
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Site {
    /// Starts the binary in the site's folder without waiting for it.
    pub fn spawn(&self, args: &[&str]) -> Background {
        Background::spawn_in(&self.root, args)
    }
}

impl Background {
    /// Starts the binary in `dir` without waiting for it.
    pub fn spawn_in(dir: &Path, args: &[&str]) -> Background {
        let child = Command::new(BIN)
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the explainer binary");
        Background::from_child(child)
    }

    /// Follows a child started with its output piped.
    pub fn from_child(mut child: std::process::Child) -> Background {
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let lines = std::sync::Arc::clone(&lines);
            std::thread::spawn(move || {
                use std::io::BufRead;
                for line in std::io::BufReader::new(stream).lines().map_while(Result::ok) {
                    lines.lock().unwrap().push(line);
                }
            });
        }
        Background { child, lines }
    }
}

/// Waits up to `limit` for `condition`; true when it held.
pub fn wait_until(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    condition()
}

impl Background {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything printed so far, stdout and stderr interleaved by line.
    pub fn output(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// Waits for a line containing `text`, and returns it.
    #[track_caller]
    pub fn wait_for_line(&self, text: &str) -> String {
        let mut found = None;
        let ok = wait_until(Duration::from_secs(30), || {
            found = self.output().into_iter().find(|l| l.contains(text));
            found.is_some()
        });
        assert!(ok, "no line with {text:?} in:\n{}", self.output().join("\n"));
        found.unwrap()
    }

    /// Lines that report a rebuild (`... changed: rendered ...`) or a failed one.
    pub fn rebuilds(&self) -> usize {
        self.output()
            .iter()
            .filter(|l| {
                l.contains(" changed: rendered ") || l.contains("the output keeps the last good build")
            })
            .count()
    }

    /// Sends Ctrl-C and waits for a clean exit.
    #[track_caller]
    pub fn interrupt(mut self) -> std::process::ExitStatus {
        // SAFETY: kill() with a valid pid and signal number has no memory effects.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGINT);
        }
        let mut status = None;
        wait_until(Duration::from_secs(10), || {
            status = self.child.try_wait().unwrap();
            status.is_some()
        });
        status.unwrap_or_else(|| panic!("did not stop on Ctrl-C:\n{}", self.output().join("\n")))
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP response, as a test reads it.
pub struct Response {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `GET target` exactly as written (no normalising of `..`), to see
/// what the server does with it.
pub fn http_get(address: &str, target: &str) -> Response {
    http_request(
        address,
        &format!("GET {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"),
    )
}

/// Sends `request`, the whole of it as written, and reads the answer to
/// the end.
pub fn http_request(address: &str, request: &str) -> Response {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).expect("connect to the server");
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status code");
    let mut body = raw[split + 4..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = unchunk(&body);
    }
    Response { status, head, body }
}

fn unchunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    while let Some(end) = raw.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&raw[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        body.extend_from_slice(&raw[end + 2..end + 2 + size]);
        raw = &raw[end + 2 + size + 2..];
    }
    body
}
