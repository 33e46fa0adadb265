//! Where `rulec eval` writes, and what it refuses to write over: special
//! files written in place, links followed, mode and owner kept, inputs
//! refused, interrupted runs cleaned up, stdout that cannot be written
//! reported.
//!
//! Device nodes are made in a temporary folder (with `mknod`, as root):
//! the test never names a real `/dev` node as an output, since the code
//! under test once replaced it.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test on a broken setup"
)]

use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use insta_cmd::get_cargo_bin;

const INDEX: &str = "2026-01-15";

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn small_rules() -> PathBuf {
    crate_dir().join("tests/inputs/eval/small.rules")
}

fn small_records() -> PathBuf {
    crate_dir().join("tests/inputs/eval/small.jsonl")
}

/// `rulec eval RULES --records RECORDS --index-date INDEX --format json`
/// and more.
fn eval(rules: &Path, records: &Path, more: &[&str]) -> Command {
    let mut command = Command::new(get_cargo_bin("rulec"));
    command
        .arg("eval")
        .arg(rules)
        .arg("--records")
        .arg(records)
        .args(["--index-date", INDEX, "--format", "json"])
        .args(more);
    command
}

fn run(mut command: Command) -> Output {
    command.output().expect("cannot run rulec")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every entry of `dir`, sorted by name.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn is_root() -> bool {
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Runs `sh -c script` with `$0` the rulec binary.
fn shell(script: &str) -> Command {
    let mut command = Command::new("sh");
    command.args(["-c", script]).arg(get_cargo_bin("rulec"));
    command
}

fn os(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn a_new_output_file_gets_the_mode_the_umask_allows() {
    let dir = tempfile::tempdir().unwrap();
    for (umask, mode) in [("027", 0o640), ("022", 0o644)] {
        let target = dir.path().join(format!("new-{umask}.jsonl"));
        let output = run(shell(&format!(
            "umask {umask}; exec \"$0\" eval '{}' --records '{}' --index-date {INDEX} -o '{}'",
            os(&small_rules()),
            os(&small_records()),
            os(&target)
        )));
        assert!(output.status.success(), "{}", stderr(&output));
        let meta = fs::metadata(&target).unwrap();
        assert_eq!(meta.mode() & 0o777, mode, "umask {umask}");
    }
}

#[test]
fn an_existing_output_file_keeps_its_mode_and_owner() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("verdicts.jsonl");
    fs::write(&target, "old\n").unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o664)).unwrap();
    // Root can give the file to someone else, and must give it back.
    let owner = if is_root() {
        std::os::unix::fs::chown(&target, Some(65534), Some(65534)).unwrap();
        (65534, 65534)
    } else {
        println!("not root: the owner kept is the user's own");
        let meta = fs::metadata(&target).unwrap();
        (meta.uid(), meta.gid())
    };
    let output = run(eval(&small_rules(), &small_records(), &["-o", os(&target)]));
    assert!(output.status.success(), "{}", stderr(&output));
    let meta = fs::metadata(&target).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o664);
    assert_eq!((meta.uid(), meta.gid()), owner);
    assert_eq!(fs::read_to_string(&target).unwrap().lines().count(), 9);
    assert_eq!(entries(dir.path()), ["verdicts.jsonl"]);
}

/// A user who may write in a folder but does not own the file there: the
/// file is replaced (and becomes theirs, as an editor's save makes it),
/// its mode kept. Run as `nobody` when the tests run as root.
#[test]
fn a_user_replaces_a_file_they_do_not_own_keeping_its_mode() {
    if !is_root() {
        println!("skipped: needs root to run rulec as another user");
        return;
    }
    if Command::new("setpriv").arg("--version").output().is_err() {
        println!("skipped: setpriv is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let target = dir.path().join("shared.jsonl");
    fs::write(&target, "old\n").unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o666)).unwrap();
    let mut command = Command::new("setpriv");
    command
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(get_cargo_bin("rulec"))
        .arg("eval")
        .arg(small_rules())
        .arg("--records")
        .arg(small_records())
        .args(["--index-date", INDEX, "-o", os(&target)]);
    let output = run(command);
    assert!(output.status.success(), "{}", stderr(&output));
    let meta = fs::metadata(&target).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o666);
    assert_eq!(meta.uid(), 65534);
    assert!(fs::read_to_string(&target).unwrap().contains("eligible"));
    assert_eq!(entries(dir.path()), ["shared.jsonl"]);
}

#[test]
fn a_link_is_followed_and_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real.jsonl");
    fs::write(&target, "old\n").unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.jsonl");
    std::os::unix::fs::symlink("real.jsonl", &link).unwrap();
    let output = run(eval(&small_rules(), &small_records(), &["-o", os(&link)]));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_to_string(&target).unwrap().lines().count(), 9);
    assert_eq!(fs::metadata(&target).unwrap().mode() & 0o777, 0o640);

    // A link to a file not there yet creates the file.
    let dangling = dir.path().join("dangling.jsonl");
    std::os::unix::fs::symlink("later.jsonl", &dangling).unwrap();
    let output = run(eval(
        &small_rules(),
        &small_records(),
        &["-o", os(&dangling)],
    ));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("later.jsonl"))
            .unwrap()
            .lines()
            .count(),
        9
    );
    assert_eq!(
        entries(dir.path()),
        ["dangling.jsonl", "later.jsonl", "link.jsonl", "real.jsonl"]
    );
}

/// `/dev/stdout` is a link to `/proc/self/fd/1`, whose own link text
/// (`pipe:[…]`) is no path: it is opened, not replaced. (A link made in a
/// temporary folder stands for it, so that no run ever touches `/dev`.)
#[test]
fn a_link_to_a_descriptor_writes_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
    let output = run(eval(&small_rules(), &small_records(), &["-o", os(&link)]));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 9);
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(entries(dir.path()), ["stdout"]);
}

#[test]
fn a_fifo_is_written_through_and_stays_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("verdicts.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // Opened for reading and writing, the FIFO has a reader at once, so
    // neither side's open waits for the other.
    let mut reader = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo)
        .unwrap();
    let output = run(eval(&small_rules(), &small_records(), &["-o", os(&fifo)]));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    // Nine lines of verdicts wait in the pipe.
    let mut text = Vec::new();
    let mut buffer = [0; 4096];
    while text.iter().filter(|&&b| b == b'\n').count() < 9 {
        let n = reader.read(&mut buffer).unwrap();
        text.extend_from_slice(&buffer[..n]);
    }
    assert!(String::from_utf8(text).unwrap().contains("\"status\""));
    assert_eq!(entries(dir.path()), ["verdicts.fifo"]);
}

#[test]
fn a_device_is_written_in_place_and_stays_a_device() {
    if !is_root() {
        println!("skipped: making a device node needs root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let null = dir.path().join("null");
    let made = Command::new("mknod")
        .args(["-m", "666"])
        .arg(&null)
        .args(["c", "1", "3"])
        .status()
        .unwrap();
    assert!(made.success());
    let output = run(eval(&small_rules(), &small_records(), &["-o", os(&null)]));
    assert!(output.status.success(), "{}", stderr(&output));
    let meta = fs::symlink_metadata(&null).unwrap();
    assert!(meta.file_type().is_char_device());
    assert_eq!(meta.mode() & 0o777, 0o666);
    assert_eq!(entries(dir.path()), ["null"]);

    // A full device: the run fails, naming the path the user gave.
    let full = dir.path().join("full");
    let made = Command::new("mknod")
        .arg(&full)
        .args(["c", "1", "7"])
        .status()
        .unwrap();
    assert!(made.success());
    let output = run(eval(&small_rules(), &small_records(), &["-o", os(&full)]));
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains(&format!("cannot write `{}`: No space left", full.display())),
        "{message}"
    );
    assert!(
        fs::symlink_metadata(&full)
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn dash_is_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = eval(&small_rules(), &small_records(), &["-o", "-"]);
    command.current_dir(dir.path());
    let output = run(command);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 9);
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn an_output_that_is_an_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("trial.rules");
    fs::write(
        &rules,
        "use \"common.rules\"\ninclusion {\n  hb: hemoglobin > 80 g/L\n}\n",
    )
    .unwrap();
    let common = dir.path().join("common.rules");
    fs::write(&common, "fields {\n  hemoglobin: g/L\n}\n").unwrap();
    let records = dir.path().join("records.jsonl");
    fs::write(&records, "{\"id\": \"a\", \"hemoglobin\": 90}\n").unwrap();
    let hard_link = dir.path().join("another-name.jsonl");
    fs::hard_link(&records, &hard_link).unwrap();
    let soft_link = dir.path().join("link.rules");
    std::os::unix::fs::symlink("trial.rules", &soft_link).unwrap();
    let before: Vec<(PathBuf, String)> = [&rules, &common, &records]
        .iter()
        .map(|p| ((*p).clone(), fs::read_to_string(p).unwrap()))
        .collect();

    for (output_path, what) in [
        (&records, "the records"),
        (&hard_link, "the records"),
        (&rules, "the rule file"),
        (&soft_link, "the rule file"),
        (&common, "the imported rule file"),
    ] {
        let output = run(eval(&rules, &records, &["-o", os(output_path)]));
        assert_eq!(output.status.code(), Some(2), "{}", output_path.display());
        let message = stderr(&output);
        assert!(
            message.contains(&format!("will not write to `{}`", output_path.display()))
                && message.contains(what),
            "{message}"
        );
        assert!(output.stdout.is_empty());
    }
    // Records read from stdin: the file stdin is cannot be the output.
    let mut command = eval(&rules, Path::new("-"), &["-o", os(&records)]);
    command.stdin(fs::File::open(&records).unwrap());
    let output = run(command);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("the records `stdin`"),
        "{}",
        stderr(&output)
    );

    for (path, text) in &before {
        assert_eq!(
            &fs::read_to_string(path).unwrap(),
            text,
            "{}",
            path.display()
        );
    }
    assert_eq!(entries(dir.path()).len(), 5);
}

#[test]
fn messages_name_the_users_path_not_the_temporary_one() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("no-such-folder/verdicts.jsonl");
    let output = run(eval(&small_rules(), &small_records(), &["-o", os(&target)]));
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains(&format!("cannot write `{}`", target.display())),
        "{message}"
    );
    // The test's own folder is a `.tmp…` one too.
    let rest = message.replace(&target.display().to_string(), "");
    assert!(
        !rest.contains(".tmp") && !rest.contains("rulec-tmp"),
        "{message}"
    );
}

/// SIGINT or SIGTERM while the verdicts are being written: the temporary
/// file goes, the exit status says which signal (130, 143), and a file
/// that was there is left as it was.
#[test]
fn an_interrupted_run_leaves_no_temporary_file() {
    for (signal, code) in [("INT", 130), ("TERM", 143)] {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("verdicts.jsonl");
        fs::write(&target, "before\n").unwrap();
        let mut command = eval(&small_rules(), Path::new("-"), &["-o", os(&target)]);
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().unwrap();
        // The records never end while the stdin pipe is open.
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(b"{\"id\": \"a\", \"hemoglobin\": 90}\n")
            .unwrap();
        // The temporary file appears once the run is under way.
        let mut waited = 0;
        while entries(dir.path()).len() < 2 {
            assert!(waited < 6000, "no temporary file appeared");
            std::thread::sleep(std::time::Duration::from_millis(10));
            waited += 1;
        }
        let killed = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(killed.success());
        let output = child.wait_with_output().unwrap();
        drop(stdin);
        assert_eq!(output.status.code(), Some(code), "SIG{signal}");
        assert_eq!(entries(dir.path()), ["verdicts.jsonl"], "SIG{signal}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "before\n");
    }
}

#[test]
fn a_closed_stdout_is_an_error() {
    for command in ["eval", "explain"] {
        let output = run(shell(&format!(
            "exec \"$0\" {command} '{}' --records '{}' --index-date {INDEX} >&-",
            os(&small_rules()),
            os(&small_records())
        )));
        assert_eq!(output.status.code(), Some(2), "{command}");
        let message = stderr(&output);
        assert!(message.contains("error: stdout is closed"), "{message}");
    }
}

#[test]
fn a_full_stdout_is_an_error_with_the_reason() {
    for command in ["eval", "explain"] {
        let full = fs::OpenOptions::new().write(true).open("/dev/full");
        let Ok(full) = full else {
            println!("skipped: no /dev/full");
            return;
        };
        let mut cmd = Command::new(get_cargo_bin("rulec"));
        cmd.arg(command)
            .arg(small_rules())
            .arg("--records")
            .arg(small_records())
            .args(["--index-date", INDEX])
            .stdout(full);
        let output = run(cmd);
        assert_eq!(output.status.code(), Some(2), "{command}");
        assert!(
            stderr(&output).contains("No space left on device"),
            "{}",
            stderr(&output)
        );
    }
}

/// `rulec eval … | head -1`: the reader leaving is no error to report.
#[test]
fn a_reader_that_stops_reading_is_not_reported() {
    let seed = crate_dir().join("../../examples/nct03473496.rules");
    let patients = crate_dir().join("../../examples/patients/nct03473496.jsonl");
    let output = run(shell(&format!(
        "\"$0\" eval '{}' --records '{}' --index-date {INDEX} --format json | head -c 1 >/dev/null",
        os(&seed),
        os(&patients)
    )));
    assert!(output.status.success());
    let message = stderr(&output);
    assert!(
        !message.lines().any(|l| l.starts_with("error")),
        "{message}"
    );
}
