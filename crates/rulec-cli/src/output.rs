//! Where results are written: stdout, or `--output FILE`.
//!
//! A regular file (or a path where nothing is yet) is written atomically:
//! a temporary file beside it, renamed into place when the run succeeds,
//! so the file appears whole or not at all; it keeps the mode and, where
//! the process may set it, the owner of the file it replaces, and a new
//! file gets the mode the umask allows. Anything else a path can name (a
//! terminal, `/dev/null`, a FIFO, a socket) is not a file to replace: it
//! is opened and written in place. A symbolic link is followed, so the
//! file it leads to is written and the link stays a link. The temporary
//! file is removed on failure and on SIGINT or SIGTERM, and messages name
//! the user's path, never the temporary one.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{BufWriter, ErrorKind, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use tempfile::TempPath;

use crate::render::printable;

/// How many links in a row are followed before giving up, as the kernel's
/// own limit (`ELOOP`).
const MAX_LINKS: usize = 40;

/// The temporary file being written, for the signal handler to remove.
static PENDING: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Whether the SIGINT and SIGTERM handler is installed (or could not be:
/// a temporary file is then still removed on any failure but a signal).
static HANDLER: OnceLock<()> = OnceLock::new();

/// Why the results could not all be written.
#[derive(Debug)]
pub enum WriteFailure {
    /// The reader of stdout went away (`rulec eval … | head`): nothing to
    /// tell it.
    ReaderGone,
    /// Anything else, in words.
    Said(String),
}

/// A place results are written to, opened.
pub struct Output {
    kind: Kind,
    /// The destination as the user named it, for messages.
    shown: String,
}

enum Kind {
    Stdout(BufWriter<std::io::Stdout>),
    /// A device, FIFO or socket, written in place.
    InPlace(BufWriter<File>),
    /// A regular file, written beside and renamed over it.
    Atomic {
        writer: BufWriter<File>,
        temp: Pending,
        /// Where the link, if the user named one, leads.
        target: PathBuf,
    },
}

/// The files an output must not be: the run's inputs.
#[derive(Debug, Default)]
pub struct Inputs {
    /// What each is (`the rule file`), its name for messages, and what it is
    /// on disk.
    files: Vec<(&'static str, String, Metadata)>,
}

impl Inputs {
    /// Adds the file at `path`, which is `what` (`the records`); a file
    /// that cannot be looked at cannot be an output either, and is left
    /// out.
    pub fn add(&mut self, what: &'static str, path: &Path) {
        if let Ok(meta) = std::fs::metadata(path) {
            let shown = printable(&path.display().to_string()).into_owned();
            self.files.push((what, shown, meta));
        }
    }

    /// Adds whatever stdin is, when the records are read from it.
    pub fn add_stdin(&mut self) {
        use std::os::fd::AsFd;
        let meta = std::io::stdin()
            .as_fd()
            .try_clone_to_owned()
            .map(File::from)
            .and_then(|f| f.metadata());
        if let Ok(meta) = meta {
            self.files.push(("the records", "stdin".to_owned(), meta));
        }
    }

    /// The input that is the same file as `meta`, by device and inode: a
    /// link or another path to it is the same file too.
    fn same_as(&self, meta: &Metadata) -> Option<(&'static str, &str)> {
        self.files
            .iter()
            .find(|(_, _, m)| m.dev() == meta.dev() && m.ino() == meta.ino())
            .map(|(what, shown, _)| (*what, shown.as_str()))
    }
}

impl Output {
    /// Opens stdout (`path` is `None` or `-`) or the file at `path`,
    /// refusing one that is one of `inputs`.
    ///
    /// # Errors
    ///
    /// Why it cannot be written, in words that name `path`.
    pub fn open(path: Option<&Path>, inputs: &Inputs) -> Result<Output, String> {
        let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Output {
                kind: Kind::Stdout(BufWriter::new(std::io::stdout())),
                shown: "stdout".to_owned(),
            });
        };
        let shown = printable(&path.display().to_string()).into_owned();
        let cannot = |e: std::io::Error| format!("cannot write `{shown}`: {}", reason(&e));
        // Followed through links, as opening it would.
        let existing = match std::fs::metadata(path) {
            Ok(meta) => Some(meta),
            Err(e) if e.kind() == ErrorKind::NotFound => None,
            Err(e) => return Err(cannot(e)),
        };
        let target = match &existing {
            Some(meta) => {
                if let Some((what, input)) = inputs.same_as(meta) {
                    return Err(format!(
                        "will not write to `{shown}`: it is {what} `{input}`, which this run \
                         reads, and writing there would destroy it; choose another output file"
                    ));
                }
                if meta.is_dir() {
                    return Err(format!("cannot write `{shown}`: it is a folder"));
                }
                if !meta.is_file() {
                    // Opened through the path as given: `/dev/stdout` and
                    // `/proc/self/fd/N` are links whose text is no path.
                    let file = OpenOptions::new().write(true).open(path).map_err(cannot)?;
                    return Ok(Output {
                        kind: Kind::InPlace(BufWriter::new(file)),
                        shown,
                    });
                }
                std::fs::canonicalize(path).map_err(cannot)?
            }
            None => follow_links(path).map_err(cannot)?,
        };
        let (file, temp) = create_beside(&target, existing.as_ref()).map_err(cannot)?;
        Ok(Output {
            kind: Kind::Atomic {
                writer: BufWriter::new(file),
                temp,
                target,
            },
            shown,
        })
    }

    /// Whether this is stdout.
    pub fn is_stdout(&self) -> bool {
        matches!(self.kind, Kind::Stdout(_))
    }

    /// Writes `text`.
    ///
    /// # Errors
    ///
    /// Why it could not be written.
    pub fn write(&mut self, text: &str) -> Result<(), WriteFailure> {
        let result = match &mut self.kind {
            Kind::Stdout(w) => w.write_all(text.as_bytes()),
            Kind::InPlace(w) => w.write_all(text.as_bytes()),
            Kind::Atomic { writer, .. } => writer.write_all(text.as_bytes()),
        };
        result.map_err(|e| self.failure(&e))
    }

    /// Flushes, and for a regular file, moves it into place when
    /// `complete` (else the temporary file is removed and the file left
    /// as it was).
    ///
    /// # Errors
    ///
    /// Why the results could not all be written.
    pub fn finish(mut self, complete: bool) -> Result<(), WriteFailure> {
        let flushed = match &mut self.kind {
            Kind::Stdout(w) => w.flush(),
            Kind::InPlace(w) => w.flush(),
            Kind::Atomic { .. } if !complete => return Ok(()),
            Kind::Atomic { writer, .. } => writer.flush(),
        };
        flushed.map_err(|e| self.failure(&e))?;
        match self.kind {
            Kind::Atomic { temp, target, .. } => temp.persist(&target).map_err(|e| {
                WriteFailure::Said(format!("cannot write `{}`: {}", self.shown, reason(&e)))
            }),
            Kind::Stdout(_) | Kind::InPlace(_) => Ok(()),
        }
    }

    fn failure(&self, e: &std::io::Error) -> WriteFailure {
        match (&self.kind, e.kind()) {
            (Kind::Stdout(_), ErrorKind::BrokenPipe) => WriteFailure::ReaderGone,
            (Kind::Stdout(_), _) => {
                WriteFailure::Said(format!("cannot write to stdout: {}", reason(e)))
            }
            _ => WriteFailure::Said(format!("cannot write `{}`: {}", self.shown, reason(e))),
        }
    }
}

/// Whether stdout was closed when the process started: the Rust runtime
/// then opens `/dev/null` in its place, for reading and writing (a shell's
/// `>/dev/null` opens it for writing only), and every write would vanish.
pub fn stdout_was_closed() -> bool {
    let stdout = std::io::stdout();
    let Ok(flags) = rustix::fs::fcntl_getfl(&stdout) else {
        return true;
    };
    if flags & rustix::fs::OFlags::RWMODE != rustix::fs::OFlags::RDWR {
        return false;
    }
    match (rustix::fs::fstat(&stdout), std::fs::metadata("/dev/null")) {
        (Ok(out), Ok(null)) => out.st_dev == null.dev() && out.st_ino == null.ino(),
        _ => false,
    }
}

/// The message for a stdout that was closed.
pub const STDOUT_CLOSED: &str = "stdout is closed, so the results would be lost; \
     redirect it to a file (or `>/dev/null` to discard them)";

/// `path`, or the file its chain of symbolic links leads to, for a path
/// where nothing is yet (or a link to such a path).
fn follow_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = std::fs::read_link(&path)?;
                // A relative link is relative to the link's folder; an
                // absolute one replaces the path whole.
                path = match path.parent() {
                    Some(folder) => folder.join(link),
                    None => link,
                };
            }
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(path),
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// A new temporary file beside `target`, with the mode (and, where the
/// process may, the owner) of the file it will replace, or the mode the
/// umask gives a new file.
fn create_beside(target: &Path, existing: Option<&Metadata>) -> std::io::Result<(File, Pending)> {
    let folder = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    // Created readable by the owner alone; opened up below once it has
    // its final owner, so no one else sees it with the wrong one.
    let mode = if existing.is_some() { 0o600 } else { 0o666 };
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(&prefix)
        .suffix(".rulec-tmp")
        .permissions(std::fs::Permissions::from_mode(mode));
    install_handler();
    // Held while the file is created and registered, so a signal in
    // between still finds it to remove.
    let mut pending = PENDING.lock().unwrap_or_else(PoisonError::into_inner);
    let (file, path) = builder.tempfile_in(folder)?.into_parts();
    *pending = Some(path.to_path_buf());
    drop(pending);
    let temp = Pending { path: Some(path) };
    if let Some(meta) = existing {
        keep_owner(&file, meta);
        file.set_permissions(std::fs::Permissions::from_mode(meta.mode() & 0o7777))?;
    }
    Ok((file, temp))
}

/// Gives `file` the owner and group of `meta`, as far as the process may:
/// root keeps both, a user keeps a group they belong to; otherwise the new
/// file is the user's, as with any editor that saves by renaming.
fn keep_owner(file: &File, meta: &Metadata) {
    let current = file.metadata().ok();
    let same = current
        .as_ref()
        .is_some_and(|c| c.uid() == meta.uid() && c.gid() == meta.gid());
    if same {
        return;
    }
    if std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid())).is_err() {
        let _ = std::os::unix::fs::fchown(file, None, Some(meta.gid()));
    }
}

/// The temporary file, removed when dropped unless persisted, and known to
/// the signal handler meanwhile.
struct Pending {
    path: Option<TempPath>,
}

impl Pending {
    /// Renames the file to `target`.
    fn persist(mut self, target: &Path) -> std::io::Result<()> {
        let mut pending = PENDING.lock().unwrap_or_else(PoisonError::into_inner);
        let result = match self.path.take() {
            Some(path) => path.persist(target).map_err(|e| e.error),
            None => Ok(()),
        };
        *pending = None;
        result
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        let mut pending = PENDING.lock().unwrap_or_else(PoisonError::into_inner);
        // Dropping the path removes the file.
        self.path = None;
        *pending = None;
    }
}

/// Installs, once, the handler that removes the temporary file on SIGINT
/// or SIGTERM and exits as a shell reports a process those signals killed
/// (130, 143).
fn install_handler() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    HANDLER.get_or_init(|| {
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("signals".to_owned())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    let pending = PENDING.lock().unwrap_or_else(PoisonError::into_inner);
                    if let Some(path) = pending.as_ref() {
                        let _ = std::fs::remove_file(path);
                    }
                    std::process::exit(128 + signal);
                }
            });
    });
}

/// An I/O error in words, without the path some crates add to it (which
/// would be the temporary file's).
fn reason(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code).to_string(),
        None if e.get_ref().is_some() => match e.kind() {
            ErrorKind::NotFound => "no such file or directory".to_owned(),
            kind => std::io::Error::from(kind).to_string(),
        },
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_do_not_name_temporary_files() {
        let e = std::io::Error::new(ErrorKind::PermissionDenied, "x at path \"/a/.tmp\"");
        assert!(!reason(&e).contains(".tmp"));
        let e = std::io::Error::from_raw_os_error(28);
        assert!(reason(&e).contains("No space left"));
    }
}
