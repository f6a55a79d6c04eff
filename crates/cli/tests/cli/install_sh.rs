//! `install.sh` at the repository root, run for real against a local
//! release folder (`TFGATE_RELEASES=file://…`, the same layout as GitHub's
//! `download/TAG/FILE` and `latest/download/FILE`) with fake archives, and
//! a `uname` on PATH that reports the OS and architecture each case needs.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest, Sha256};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../install.sh")
}

fn write_executable(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A release folder, a `uname` that lies, and an install prefix.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        let f = Fixture { dir: tempfile::tempdir().unwrap() };
        std::fs::create_dir_all(f.path("shim")).unwrap();
        write_executable(
            &f.path("shim/uname"),
            "#!/bin/sh\ncase \"$1\" in -s) echo \"$FAKE_OS\" ;; -m) echo \"$FAKE_ARCH\" ;; *) exit 1 ;; esac\n",
        );
        f
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Publishes `tfgate-TAG-TARGET.tar.gz` (a `tfgate` that prints `tfgate TAG TARGET`)
    /// and returns its SHA-256.
    fn publish(&self, tag: &str, target: &str) -> String {
        let name = format!("tfgate-{tag}-{target}");
        let stage = self.path(&format!("stage/{name}"));
        std::fs::create_dir_all(&stage).unwrap();
        write_executable(&stage.join("tfgate"), &format!("#!/bin/sh\necho \"tfgate {tag} {target}\"\n"));
        let out_dir = self.path(&format!("releases/download/{tag}"));
        std::fs::create_dir_all(&out_dir).unwrap();
        let archive = out_dir.join(format!("{name}.tar.gz"));
        let status = Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(self.path("stage"))
            .arg(&name)
            .status()
            .unwrap();
        assert!(status.success());
        hex(&Sha256::digest(std::fs::read(&archive).unwrap()))
    }

    fn sums(&self, tag: &str, lines: &[(String, String)]) {
        let text: String = lines.iter().map(|(hash, file)| format!("{hash}  {file}\n")).collect();
        std::fs::write(self.path(&format!("releases/download/{tag}/SHA256SUMS")), text).unwrap();
    }

    fn latest(&self, tag: &str) {
        std::fs::create_dir_all(self.path("releases/latest/download")).unwrap();
        std::fs::write(self.path("releases/latest/download/VERSION"), format!("{tag}\n")).unwrap();
    }

    fn run(&self, os: &str, arch: &str, path: &str, args: &[&str]) -> Output {
        Command::new("sh")
            .arg(script())
            .args(args)
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.path("home"))
            .env("FAKE_OS", os)
            .env("FAKE_ARCH", arch)
            .env("TFGATE_RELEASES", format!("file://{}", self.path("releases").display()))
            .env("TFGATE_PREFIX", self.path("prefix"))
            .output()
            .unwrap()
    }

    /// The shim first, then the machine's own tools.
    fn install(&self, os: &str, arch: &str, args: &[&str]) -> Output {
        let path = format!("{}:{}", self.path("shim").display(), std::env::var("PATH").unwrap_or_default());
        self.run(os, arch, &path, args)
    }

    fn installed(&self) -> PathBuf {
        self.path("prefix/bin/tfgate")
    }

    fn run_installed(&self) -> String {
        let out = Command::new(self.installed()).output().unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn installs_the_archive_for_each_detected_platform() {
    for (os, arch, target) in [
        ("Linux", "x86_64", "x86_64-unknown-linux-musl"),
        ("Linux", "aarch64", "aarch64-unknown-linux-musl"),
        ("Darwin", "arm64", "aarch64-apple-darwin"),
        ("Darwin", "x86_64", "x86_64-apple-darwin"),
    ] {
        let f = Fixture::new();
        // Every platform's archive is in the release: the script must pick the right one.
        let mut sums = Vec::new();
        for t in
            ["x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl", "aarch64-apple-darwin", "x86_64-apple-darwin"]
        {
            sums.push((f.publish("v1.2.3", t), format!("tfgate-v1.2.3-{t}.tar.gz")));
        }
        f.sums("v1.2.3", &sums);
        let out = f.install(os, arch, &["--version", "v1.2.3"]);
        assert!(out.status.success(), "{os}/{arch}: {}", stderr(&out));
        assert_eq!(f.run_installed(), format!("tfgate v1.2.3 {target}"), "{os}/{arch}");
        let mode = std::fs::metadata(f.installed()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o755);
    }
}

#[test]
fn latest_is_the_tag_the_release_names_and_a_bare_number_gets_its_v() {
    let f = Fixture::new();
    let target = "x86_64-unknown-linux-musl";
    for tag in ["v0.9.0", "v1.0.0"] {
        let hash = f.publish(tag, target);
        f.sums(tag, &[(hash, format!("tfgate-{tag}-{target}.tar.gz"))]);
    }
    f.latest("v1.0.0");
    let out = f.install("Linux", "x86_64", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(f.run_installed(), format!("tfgate v1.0.0 {target}"));
    // An older version over it, named without the `v`.
    let out = f.install("Linux", "amd64", &["--version=0.9.0"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(f.run_installed(), format!("tfgate v0.9.0 {target}"));
}

#[test]
fn a_checksum_mismatch_installs_nothing() {
    let f = Fixture::new();
    let target = "x86_64-unknown-linux-musl";
    let good = f.publish("v1.2.3", target);
    let mut bad = good.clone().into_bytes();
    bad[0] = if bad[0] == b'0' { b'1' } else { b'0' };
    f.sums("v1.2.3", &[(String::from_utf8(bad).unwrap(), format!("tfgate-v1.2.3-{target}.tar.gz"))]);
    let out = f.install("Linux", "x86_64", &["--version", "v1.2.3"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("checksum mismatch"), "{}", stderr(&out));
    assert!(stderr(&out).contains(&good), "the actual hash is named: {}", stderr(&out));
    assert!(!f.installed().exists());
    assert!(!f.path("prefix").exists(), "nothing is created before the check passes");
}

#[test]
fn an_archive_the_sums_do_not_list_installs_nothing() {
    let f = Fixture::new();
    let hash = f.publish("v1.2.3", "aarch64-apple-darwin");
    // The only line is for another file, and one whose name merely contains ours.
    f.sums(
        "v1.2.3",
        &[
            (hash.clone(), "tfgate-v1.2.3-aarch64-apple-darwin.tar.gz.sig".into()),
            (hash, "old-tfgate-v1.2.3-aarch64-apple-darwin.tar.gz".into()),
        ],
    );
    let out = f.install("Darwin", "arm64", &["--version", "v1.2.3"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("does not list tfgate-v1.2.3-aarch64-apple-darwin.tar.gz"), "{}", stderr(&out));
    assert!(!f.installed().exists());
}

#[test]
fn a_missing_release_or_platform_is_a_clear_error() {
    let f = Fixture::new();
    let out = f.install("Linux", "x86_64", &["--version", "v9.9.9"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("cannot download tfgate-v9.9.9-x86_64-unknown-linux-musl.tar.gz"),
        "{}",
        stderr(&out)
    );
    for (os, arch, what) in [("Linux", "riscv64", "architecture riscv64"), ("SunOS", "x86_64", "OS SunOS")] {
        let out = f.install(os, arch, &["--version", "v1.2.3"]);
        assert!(!out.status.success());
        assert!(stderr(&out).contains(what), "{os}/{arch}: {}", stderr(&out));
    }
    for tag in ["main", "v1/../../etc", "v1 2"] {
        let out = f.install("Linux", "x86_64", &["--version", tag]);
        assert!(!out.status.success());
        assert!(stderr(&out).contains(&format!("not a release tag: {tag}")), "{}", stderr(&out));
    }
    let out = f.install("Linux", "x86_64", &["--frobnicate"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("unknown option: --frobnicate"));
}

/// A PATH holding only the tools the script needs, each linked from the
/// machine's own, with or without the checksum tools.
fn sandbox_path(f: &Fixture, name: &str, with: &[&str]) -> Option<String> {
    let bin = f.path(name);
    std::fs::create_dir_all(&bin).unwrap();
    let tools = ["sh", "curl", "mktemp", "tr", "awk", "cut", "tar", "gzip", "mkdir", "cp", "chmod", "mv", "rm", "sed"];
    for tool in tools.iter().chain(with) {
        let found = std::env::var("PATH")
            .unwrap_or_default()
            .split(':')
            .map(|d| Path::new(d).join(tool))
            .find(|p| p.is_file())?;
        std::os::unix::fs::symlink(found, bin.join(tool)).unwrap();
    }
    std::os::unix::fs::symlink(f.path("shim/uname"), bin.join("uname")).unwrap();
    Some(bin.display().to_string())
}

#[test]
fn shasum_is_used_where_sha256sum_is_missing_and_neither_is_an_error() {
    let f = Fixture::new();
    let target = "x86_64-apple-darwin";
    let hash = f.publish("v1.2.3", target);
    f.sums("v1.2.3", &[(hash, format!("tfgate-v1.2.3-{target}.tar.gz"))]);
    let Some(path) = sandbox_path(&f, "only-shasum", &["shasum", "perl"]) else {
        eprintln!("skipped: shasum, perl or another tool is not installed here");
        return;
    };
    let out = f.run("Darwin", "x86_64", &path, &["--version", "v1.2.3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(f.run_installed(), format!("tfgate v1.2.3 {target}"));

    let f = Fixture::new();
    let hash = f.publish("v1.2.3", target);
    f.sums("v1.2.3", &[(hash, format!("tfgate-v1.2.3-{target}.tar.gz"))]);
    let path = sandbox_path(&f, "no-checksum", &[]).unwrap();
    let out = f.run("Darwin", "x86_64", &path, &["--version", "v1.2.3"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("cannot verify"), "{}", stderr(&out));
    assert!(!f.installed().exists());
}

#[test]
fn the_script_parses_as_posix_sh() {
    let status = Command::new("sh").arg("-n").arg(script()).status().unwrap();
    assert!(status.success());
}
