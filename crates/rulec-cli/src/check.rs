//! `rulec check`: read, parse and check each file through [`rulec::Rules`]
//! and report every diagnostic.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use rulec::{Diagnostic, LoadOptions, Rules, RulesError};

use crate::Format;
use crate::render::{self, JsonDiagnostic, TextRenderer};

/// How a run ended. Ordered from best to worst: the exit status of a run
/// over several files is the worst any file reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Every file is free of errors (and of warnings, when they are
    /// denied).
    Clean,
    /// Some file has an error, or a warning while warnings are denied.
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

/// How `rulec check` reports, and what makes it fail.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Text on stderr or JSON on stdout.
    pub format: Format,
    /// Whether text diagnostics may use ANSI colours.
    pub colour: bool,
    /// Whether a warning fails the run as an error does (`--deny
    /// warnings`). The warning is still reported as a warning: its
    /// severity belongs to the diagnostic, the policy to this run.
    pub deny_warnings: bool,
    /// Whether `use` may import files outside the rule file's folder.
    pub imports_outside: bool,
}

/// Checks `files` in order, reporting as `options` say, and tells how it
/// went.
///
/// A file that cannot be read is reported on stderr in one line and the
/// other files are still checked.
pub fn run(files: &[impl AsRef<Path>], options: Options) -> Status {
    let text = TextRenderer::new(options.colour);
    let mut json = Vec::new();
    let mut status = Status::Clean;
    for path in files {
        let path = path.as_ref();
        // The name as the user wrote it, so messages match their command line.
        let name = path.display().to_string();
        let load = LoadOptions::default().imports_outside(options.imports_outside);
        let rules = Rules::load_with(path, load);
        let (diagnostics, files) = match &rules {
            Ok(rules) => (rules.warnings(), rules.files()),
            Err(RulesError::Invalid { diagnostics, files }) => (diagnostics.as_slice(), files),
            Err(error) => {
                eprintln_quiet(&format!("error: {}", read_failure(&name, error)));
                status = status.max(Status::Trouble);
                continue;
            }
        };
        let count = Count::of(diagnostics);
        if count.fails(options.deny_warnings) {
            status = status.max(Status::Errors);
        }
        match options.format {
            Format::Text => {
                let mut out = String::new();
                for diagnostic in diagnostics {
                    out.push_str(&text.render(&name, files, diagnostic));
                    // A blank line between diagnostics, as compilers do.
                    out.push('\n');
                }
                out.push_str(&summary(&name, count, options.deny_warnings));
                eprintln_quiet(&out);
            }
            Format::Json => json.extend(
                diagnostics
                    .iter()
                    .map(|diagnostic| JsonDiagnostic::new(&name, files, diagnostic)),
            ),
        }
    }
    if options.format == Format::Json
        && let Err(reason) = write_json(&json)
    {
        eprintln_quiet(&format!("error: cannot write the diagnostics: {reason}"));
        status = status.max(Status::Trouble);
    }
    status
}

/// "cannot read `name`: why", naming the file as the user did.
fn read_failure(name: &str, error: &RulesError) -> String {
    match error {
        RulesError::Read { error, .. } => format!("cannot read `{name}`: {error}"),
        other => format!("cannot read `{name}`: {other}"),
    }
}

/// Reads, checks and compiles the rule file at `path` for a command that
/// evaluates it (`rulec eval`, `rulec explain`).
///
/// Every diagnostic is rendered on stderr as `rulec check` renders it, and
/// a file with warnings alone still gives its rules. The error is the
/// run's status: [`Status::Errors`] when the rules do not check,
/// [`Status::Trouble`] when the file cannot be read.
pub fn load(path: &Path, colour: bool, imports_outside: bool) -> Result<Rules, Status> {
    let name = path.display().to_string();
    let load = LoadOptions::default().imports_outside(imports_outside);
    let text = TextRenderer::new(colour);
    let show = |diagnostics: &[Diagnostic], files| {
        for diagnostic in diagnostics {
            eprintln_quiet(&text.render(&name, files, diagnostic));
        }
    };
    match Rules::load_with(path, load) {
        Ok(rules) => {
            show(rules.warnings(), rules.files());
            Ok(rules)
        }
        Err(RulesError::Invalid { diagnostics, files }) => {
            show(&diagnostics, &files);
            eprintln_quiet(&summary(&name, Count::of(&diagnostics), false));
            Err(Status::Errors)
        }
        Err(error) => {
            eprintln_quiet(&format!("error: {}", read_failure(&name, &error)));
            Err(Status::Trouble)
        }
    }
}

/// How many errors and warnings a file has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Count {
    /// Errors, syntax or checker.
    errors: usize,
    /// Warnings.
    warnings: usize,
}

impl Count {
    fn of(diagnostics: &[Diagnostic]) -> Self {
        let warnings = diagnostics.iter().filter(|d| d.is_warning()).count();
        Self {
            errors: diagnostics.len() - warnings,
            warnings,
        }
    }

    /// Whether the file fails the run.
    fn fails(self, deny_warnings: bool) -> bool {
        self.errors > 0 || (deny_warnings && self.warnings > 0)
    }
}

/// The closing line for one file in text mode: `ok` unless it has errors,
/// then the warnings; when denied warnings fail the file, it says so, since
/// the diagnostics above it still read "warning".
fn summary(name: &str, count: Count, deny_warnings: bool) -> String {
    let errors = match count.errors {
        0 => "ok".to_owned(),
        n => plural(n, "error"),
    };
    match count.warnings {
        0 => format!("checked {name}: {errors}"),
        n if deny_warnings && count.errors == 0 => {
            format!(
                "checked {name}: {} (denied by --deny warnings)",
                plural(n, "warning")
            )
        }
        n => format!("checked {name}: {errors}, {}", plural(n, "warning")),
    }
}

/// `1 error`, `2 errors`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
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
pub fn eprintln_quiet(line: &str) {
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
        let count = |errors| Count {
            errors,
            warnings: 0,
        };
        assert_eq!(summary("a.rules", count(0), false), "checked a.rules: ok");
        assert_eq!(
            summary("a.rules", count(1), false),
            "checked a.rules: 1 error"
        );
        assert_eq!(
            summary("a.rules", count(3), true),
            "checked a.rules: 3 errors"
        );
    }

    #[test]
    fn summaries_count_warnings_after_the_errors() {
        let count = |errors, warnings| Count { errors, warnings };
        assert_eq!(
            summary("a.rules", count(0, 1), false),
            "checked a.rules: ok, 1 warning"
        );
        assert_eq!(
            summary("a.rules", count(1, 2), false),
            "checked a.rules: 1 error, 2 warnings"
        );
        assert_eq!(
            summary("a.rules", count(1, 2), true),
            "checked a.rules: 1 error, 2 warnings"
        );
    }

    #[test]
    fn a_denied_warning_is_not_ok() {
        let count = Count {
            errors: 0,
            warnings: 2,
        };
        assert_eq!(
            summary("a.rules", count, true),
            "checked a.rules: 2 warnings (denied by --deny warnings)"
        );
        assert!(count.fails(true));
        assert!(!count.fails(false));
    }
}
