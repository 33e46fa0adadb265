//! `rulec fmt`: rewrite rule files in the canonical layout
//! ([`rulec::syntax::format`]), or with `--check` show what would change.

use std::io::Write;
use std::path::{Path, PathBuf};

use anstyle::AnsiColor;

use crate::check::{Status, eprintln_quiet};
use crate::render::TextRenderer;
use crate::source::Source;

/// Formats `files` in place, or with `check` reports those that are not
/// formatted, with a diff on stdout. `colour` colours the diff.
pub fn run(files: &[PathBuf], check: bool, colour: bool) -> Status {
    let mut status = Status::Clean;
    let mut unformatted = 0;
    for path in files {
        let name = path.display().to_string();
        let source = match std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| String::from_utf8(bytes).map_err(|_| "not valid UTF-8".to_owned()))
        {
            Ok(text) => Source::new(text),
            Err(reason) => {
                eprintln_quiet(&format!("error: cannot read `{name}`: {reason}"));
                status = status.max(Status::Trouble);
                continue;
            }
        };
        let formatted = match rulec::syntax::format(source.text()) {
            Ok(formatted) => formatted,
            Err(error) => {
                let span = error.span();
                eprintln_quiet(&TextRenderer::new(colour).render(
                    &name,
                    source.text(),
                    &error,
                    span,
                ));
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
            match write_atomically(path, &formatted) {
                Ok(()) => eprintln_quiet(&format!("formatted {name}")),
                Err(reason) => {
                    eprintln_quiet(&format!("error: cannot write `{name}`: {reason}"));
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
        writeln!(out, "{style}{line}{style:#}")?;
    }
    out.flush()
}

/// Replaces the file at `path` with `text` through a temporary file in the
/// same folder, so a failure leaves the old file whole.
fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(folder).map_err(|e| e.to_string())?;
    file.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    // Keep the file's permissions: a rule file may be read-only to others.
    if let Ok(metadata) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(file.path(), metadata.permissions());
    }
    file.persist(path)
        .map(|_| ())
        .map_err(|e| e.error.to_string())
}
