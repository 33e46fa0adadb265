//! `rulec check`: parse each file and report every diagnostic.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::Format;
use crate::render::{self, JsonDiagnostic, TextRenderer};
use crate::source::{Source, line_column};

/// How a run ended. Ordered from best to worst: the exit status of a run
/// over several files is the worst any file reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Every file is free of errors.
    Clean,
    /// Some file has an error.
    Errors,
    /// Something kept rulec from doing its job: a file could not be read,
    /// or the output could not be written.
    Trouble,
}

impl Status {
    /// The process exit code: 0, 1 or 2, matching the usage errors clap
    /// reports with 2.
    pub fn exit_code(self) -> ExitCode {
        match self {
            Status::Clean => ExitCode::SUCCESS,
            Status::Errors => ExitCode::from(1),
            Status::Trouble => ExitCode::from(2),
        }
    }
}

/// Checks `files` in order, reporting in `format`, and tells how it went.
///
/// A file that cannot be read is reported on stderr in one line and the
/// other files are still checked.
pub fn run(files: &[impl AsRef<Path>], format: Format, colour: bool) -> Status {
    let text = TextRenderer::new(colour);
    let mut json = Vec::new();
    let mut status = Status::Clean;
    for path in files {
        let path = path.as_ref();
        // The name as the user wrote it, so messages match their command line.
        let name = path.display().to_string();
        let source = match read_source(path) {
            Ok(source) => source,
            Err(reason) => {
                eprintln_quiet(&format!("error: cannot read `{name}`: {reason}"));
                status = status.max(Status::Trouble);
                continue;
            }
        };
        let errors: Vec<rulec::syntax::SyntaxError> = rulec::syntax::parse(source.text())
            .err()
            .into_iter()
            .collect();
        if !errors.is_empty() {
            status = status.max(Status::Errors);
        }
        match format {
            Format::Text => {
                let mut out = String::new();
                for error in &errors {
                    out.push_str(&text.render(&name, source.text(), error, error.span()));
                    // A blank line between diagnostics, as compilers do.
                    out.push('\n');
                }
                out.push_str(&summary(&name, errors.len()));
                eprintln_quiet(&out);
            }
            Format::Json => json.extend(
                errors
                    .iter()
                    .map(|error| JsonDiagnostic::new(&name, &source, error, error.span())),
            ),
        }
    }
    if format == Format::Json
        && let Err(reason) = write_json(&json)
    {
        eprintln_quiet(&format!("error: cannot write the diagnostics: {reason}"));
        status = status.max(Status::Trouble);
    }
    status
}

/// Reads a rule file as UTF-8, describing any failure in one phrase.
fn read_source(path: &Path) -> Result<Source, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = e
            .as_bytes()
            .get(..valid)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or_default();
        let (line, column) = line_column(prefix, valid);
        format!("not valid UTF-8 at line {line}, column {column}; save the file as UTF-8")
    })?;
    Ok(Source::new(text))
}

/// The closing line for one file in text mode.
fn summary(name: &str, errors: usize) -> String {
    match errors {
        0 => format!("checked {name}: ok"),
        1 => format!("checked {name}: 1 error"),
        n => format!("checked {name}: {n} errors"),
    }
}

/// Prints the whole run's diagnostics as one JSON array on stdout.
fn write_json(diagnostics: &[JsonDiagnostic]) -> Result<(), String> {
    let text = render::json(diagnostics).map_err(|e| e.to_string())?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}")
        .and_then(|()| stdout.flush())
        .map_err(|e| e.to_string())
}

/// Writes a line to stderr. If stderr itself is gone there is nowhere left
/// to report to, and the exit code still tells the outcome, so a failed
/// write is ignored (where `eprintln!` would panic).
fn eprintln_quiet(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_status_wins() {
        assert_eq!(Status::Clean.max(Status::Errors), Status::Errors);
        assert_eq!(Status::Trouble.max(Status::Errors), Status::Trouble);
    }

    #[test]
    fn summaries_count_errors() {
        assert_eq!(summary("a.rules", 0), "checked a.rules: ok");
        assert_eq!(summary("a.rules", 1), "checked a.rules: 1 error");
        assert_eq!(summary("a.rules", 3), "checked a.rules: 3 errors");
    }
}
