//! A throwaway PostgreSQL server for the tests, from the machine's own binaries: `initdb` into
//! a temporary folder, a private port on 127.0.0.1 (password login) and a private socket
//! folder, run as the `postgres` user when the tests run as root. One server per test binary,
//! started on first use; each test takes a schema of its own. The server dies with the test
//! process (it is told to by the kernel), so none outlives a run.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub const PASSWORD: &str = "vigil-test-secret";

pub struct Server {
    pub port: u16,
    pub data: PathBuf,
    pub bin: PathBuf,
    owner: Option<(u32, u32)>,
    /// Whether it speaks TLS (a certificate could be made).
    pub tls: bool,
    _dir: tempfile::TempDir,
}

impl Server {
    /// A URL for a schema no other test of this process uses.
    pub fn url(&self, what: &str) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        format!(
            "postgres://postgres:{PASSWORD}@127.0.0.1:{}/postgres?schema={what}_{n}",
            self.port
        )
    }

    /// A connection as the server's superuser, for a test to set up what it needs.
    pub fn admin(&self) -> postgres::Client {
        postgres::Client::connect(&admin_params(self.port), postgres::NoTls).unwrap()
    }

    /// Stops the server (fast: connections are dropped).
    pub fn stop(&self) {
        let mut stop = Command::new(self.bin.join("pg_ctl"));
        stop.args(["stop", "-m", "fast", "-w", "-D"])
            .arg(&self.data);
        as_owner(&mut stop, self.owner);
        let _ = stop.stdout(Stdio::null()).status();
    }

    /// Starts it again on the same port and data.
    pub fn start(&self) {
        start(&self.bin, &self.data, self.port, self.owner);
    }

    /// Stops the server for `pause`, then starts it again.
    pub fn restart_after(&self, pause: Duration) {
        self.stop();
        std::thread::sleep(pause);
        self.start();
    }
}

/// The server, or `None` with one line saying why the PostgreSQL tests are skipped.
pub fn server() -> Option<&'static Server> {
    static SERVER: OnceLock<Option<Server>> = OnceLock::new();
    SERVER
        .get_or_init(|| match start_new() {
            Ok(s) => Some(s),
            Err(why) => {
                eprintln!("SKIPPED the PostgreSQL tests: {why}");
                None
            }
        })
        .as_ref()
}

fn find_bin() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .find(|p| p.join("initdb").is_file() && p.join("postgres").is_file())
    });
    on_path.or_else(|| {
        let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|p| p.join("initdb").is_file())
            .collect();
        versions.sort();
        versions.pop()
    })
}

/// The uid and gid of `postgres`, when running as root (the server refuses root).
fn owner() -> Result<Option<(u32, u32)>, String> {
    let me = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let root = me
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .is_some_and(|l| l.split_whitespace().nth(1) == Some("0"));
    if !root {
        return Ok(None);
    }
    let passwd = std::fs::read_to_string("/etc/passwd").map_err(|e| e.to_string())?;
    passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&"postgres") && f.len() > 3)
        .map(|f| Some((f[2].parse().unwrap_or(0), f[3].parse().unwrap_or(0))))
        .ok_or_else(|| "running as root and there is no postgres user".to_string())
}

fn as_owner(cmd: &mut Command, owner: Option<(u32, u32)>) {
    use std::os::unix::process::CommandExt;
    if let Some((uid, gid)) = owner {
        cmd.uid(uid).gid(gid);
    }
}

fn start_new() -> Result<Server, String> {
    let bin = find_bin().ok_or("no initdb/postgres found (install PostgreSQL 15 or newer)")?;
    let owner = owner()?;
    let dir = tempfile::Builder::new()
        .prefix("vigil-pg")
        .tempdir()
        .map_err(|e| e.to_string())?;
    let data = dir.path().join("data");
    let pwfile = dir.path().join("pw");
    std::fs::write(&pwfile, PASSWORD).map_err(|e| e.to_string())?;
    if let Some((uid, gid)) = owner {
        for p in [dir.path(), pwfile.as_path()] {
            std::os::unix::fs::chown(p, Some(uid), Some(gid)).map_err(|e| e.to_string())?;
        }
    }
    let mut init = Command::new(bin.join("initdb"));
    init.args([
        "-U",
        "postgres",
        "--auth-local=trust",
        "--auth-host=scram-sha-256",
        "-E",
        "UTF8",
        "--no-sync",
    ])
    .arg("--pwfile")
    .arg(&pwfile)
    .arg("-D")
    .arg(&data)
    .stdout(Stdio::null())
    .stderr(Stdio::piped());
    as_owner(&mut init, owner);
    let out = init.output().map_err(|e| format!("initdb: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let tls = make_certificate(&data, owner);
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    start(&bin, &data, port, owner);
    Ok(Server {
        port,
        data,
        bin,
        owner,
        tls,
        _dir: dir,
    })
}

/// A self-signed certificate for the server (`server.crt`/`server.key` in its data folder,
/// where it looks for them), made with the machine's `openssl` when there is one: then the
/// server speaks TLS too.
fn make_certificate(data: &Path, owner: Option<(u32, u32)>) -> bool {
    let (crt, key) = (data.join("server.crt"), data.join("server.key"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-new",
            "-x509",
            "-days",
            "2",
            "-nodes",
            "-subj",
            "/CN=localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&crt)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        return false;
    }
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600));
    if let Some((uid, gid)) = owner {
        for p in [&crt, &key] {
            let _ = std::os::unix::fs::chown(p, Some(uid), Some(gid));
        }
    }
    true
}

/// Starts the server from a thread that lives as long as the process: the kernel ends the
/// server when the thread that started it is gone (PR_SET_PDEATHSIG), and a test's own thread
/// ends with the test.
fn start(bin: &Path, data: &Path, port: u16, owner: Option<(u32, u32)>) {
    let (bin, data) = (bin.to_path_buf(), data.to_path_buf());
    let (tx, rx) = std::sync::mpsc::channel::<Result<(), String>>();
    std::thread::spawn(move || {
        let child = spawn_server(&bin, &data, port, owner);
        let ok = child.is_ok();
        let _ = tx.send(child.as_ref().map(|_| ()).map_err(|e| e.clone()));
        if ok {
            loop {
                std::thread::park();
            }
        }
    });
    match rx.recv() {
        Ok(Ok(())) => wait_ready(port),
        Ok(Err(e)) => panic!("the test server did not start: {e}"),
        Err(e) => panic!("the test server did not start: {e}"),
    }
}

fn spawn_server(
    bin: &Path,
    data: &Path,
    port: u16,
    owner: Option<(u32, u32)>,
) -> Result<Child, String> {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(bin.join("postgres"));
    cmd.arg("-D")
        .arg(data)
        .args([
            "-c",
            if data.join("server.crt").is_file() {
                "ssl=on"
            } else {
                "ssl=off"
            },
        ])
        .args([
            "-p",
            &port.to_string(),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "fsync=off",
        ])
        .arg("-k")
        .arg(data)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    as_owner(&mut cmd, owner);
    // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        });
    }
    cmd.spawn().map_err(|e| format!("postgres: {e}"))
}

fn wait_ready(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let params =
        format!("host=127.0.0.1 port={port} user=postgres password={PASSWORD} dbname=postgres");
    while Instant::now() < deadline {
        if postgres::Client::connect(&params, postgres::NoTls).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the test server on port {port} did not answer within 30 s");
}

fn admin_params(port: u16) -> String {
    format!("host=127.0.0.1 port={port} user=postgres password={PASSWORD} dbname=postgres")
}
