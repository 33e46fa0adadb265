//! `rulec fmt`: rewrite rule files in the canonical layout
//! ([`rulec::syntax::format`]), or with `--check` show what would change.

use std::io::Write;
use std::path::{Path, PathBuf};

use anstyle::AnsiColor;

use crate::check::{Status, eprintln_quiet};
use crate::output::{Inputs, Output, WriteFailure};
use crate::render::TextRenderer;
use crate::source::escape_for_terminal;

/// Formats `files` in place, or with `check` reports those that are not
/// formatted, with a diff on stdout. `colour` colours the diff.
pub fn run(files: &[PathBuf], check: bool, colour: bool) -> Status {
    let mut status = Status::Clean;
    let mut unformatted = 0;
    for path in files {
        let name = path.display().to_string();
        let source = match rulec::Source::read(path) {
            Ok(source) => source,
            Err(reason) => {
                eprintln_quiet(&format!("error: cannot read `{name}`: {reason}"));
                status = status.max(Status::Trouble);
                continue;
            }
        };
        let formatted = match rulec::syntax::format(source.text()) {
            Ok(formatted) => formatted,
            Err(error) => {
                let diagnostic = rulec::Diagnostic::from(error);
                let files = rulec::SourceFiles::from(source);
                eprintln_quiet(&TextRenderer::new(colour).render(&name, &files, &diagnostic));
                eprintln_quiet(&format!("not formatted {name}: it does not parse"));
                status = status.max(Status::Errors);
                continue;
            }
        };
        if formatted == source.text() {
            continue;
        }
        if check {
            unformatted += 1;
            status = status.max(Status::Errors);
            if let Err(e) = print_diff(&name, source.text(), &formatted, colour) {
                eprintln_quiet(&format!("error: cannot write the diff: {e}"));
                return Status::Trouble;
            }
        } else {
            // The byte order mark is the file's, not the layout's: kept,
            // as editors (and `rulec lsp`'s formatting) keep it.
            let text = if source.file_offset(0) > 0 {
                format!("\u{feff}{formatted}")
            } else {
                formatted
            };
            match write_back(path, &text) {
                Ok(()) => eprintln_quiet(&format!("formatted {name}")),
                Err(message) => {
                    eprintln_quiet(&format!("error: {message}"));
                    status = status.max(Status::Trouble);
                }
            }
        }
    }
    if check && unformatted > 0 {
        let (files, them) = if unformatted == 1 {
            ("file is", "it")
        } else {
            ("files are", "them")
        };
        eprintln_quiet(&format!(
            "{unformatted} {files} not formatted: run `rulec fmt` to rewrite {them}"
        ));
    }
    status
}

/// A unified diff from the file as it is to the file formatted.
fn print_diff(name: &str, old: &str, new: &str, colour: bool) -> std::io::Result<()> {
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header(name, &format!("{name} (formatted)"))
        .to_string();
    let mut out = std::io::stdout().lock();
    for line in text.lines() {
        let style = match line.chars().next() {
            _ if !colour => anstyle::Style::new(),
            Some('+') if !line.starts_with("+++") => AnsiColor::Green.on_default(),
            Some('-') if !line.starts_with("---") => AnsiColor::Red.on_default(),
            Some('@') => AnsiColor::Cyan.on_default(),
            _ => anstyle::Style::new(),
        };
        // The file's own control characters would act on the terminal.
        let (line, _) = escape_for_terminal(line);
        writeln!(out, "{style}{line}{style:#}")?;
    }
    out.flush()
}

/// Replaces the contents of the rule file at `path` with `text`.
///
/// The file itself is rewritten, not the path: a symbolic link is followed
/// to its target and stays a link. A file with no write permission is
/// refused (even for root, who could write it). A file with one name is
/// replaced atomically by the writer `--output` uses ([`Output`]: a
/// temporary file in its folder given the file's mode and owner, renamed
/// over it, removed on an interrupt), so a failure leaves the old file
/// whole; a file with several hard links is overwritten in place once the
/// whole text is ready, so that every name still shows the same file.
fn write_back(path: &Path, text: &str) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let shown = crate::render::printable(&path.display().to_string()).into_owned();
    let cannot = |reason: String| format!("cannot write `{shown}`: {reason}");
    let metadata = std::fs::metadata(path).map_err(|e| cannot(e.to_string()))?;
    if !metadata.is_file() {
        return Err(cannot(
            "it is not a regular file; nothing was written".to_owned(),
        ));
    }
    if metadata.permissions().readonly() {
        return Err(cannot(
            "it is read-only; nothing was written (make it writable first)".to_owned(),
        ));
    }
    if metadata.nlink() == 1 {
        // The writer follows a link to its target and names `path` in
        // its messages.
        let failed = |e: WriteFailure| match e {
            WriteFailure::Said(message) => message,
            WriteFailure::ReaderGone => cannot("the file was closed".to_owned()),
        };
        let mut output = Output::open(Some(path), &Inputs::default())?;
        output.write(text).map_err(failed)?;
        return output.finish(true).map_err(failed);
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .map_err(|e| cannot(e.to_string()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| cannot(e.to_string()))
}
