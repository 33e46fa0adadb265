//! `rulec check`: parse and check each file and report every diagnostic.

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use miette::{Diagnostic, LabeledSpan, Severity};
use rulec::check::{CheckError, FolderImports, Program};
use rulec::syntax::{Span, SyntaxError};

use crate::Format;
use crate::render::{self, JsonDiagnostic, TextRenderer};
use crate::source::{Escapes, escape_for_terminal};

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
        let source = match crate::source::read(path) {
            Ok(source) => source,
            Err(reason) => {
                eprintln_quiet(&format!("error: cannot read `{name}`: {reason}"));
                status = status.max(Status::Trouble);
                continue;
            }
        };
        let findings = diagnose(path, source.text(), options.imports_outside);
        let count = Count::of(&findings);
        if count.fails(options.deny_warnings) {
            status = status.max(Status::Errors);
        }
        match options.format {
            Format::Text => {
                let mut out = String::new();
                for finding in &findings {
                    out.push_str(&render_escaped(
                        &text,
                        &name,
                        source.text(),
                        finding.diagnostic(),
                        finding.span(),
                    ));
                    // A blank line between diagnostics, as compilers do.
                    out.push('\n');
                }
                out.push_str(&summary(&name, count, options.deny_warnings));
                eprintln_quiet(&out);
            }
            Format::Json => json.extend(findings.iter().map(|finding| {
                JsonDiagnostic::new(&name, &source, finding.diagnostic(), finding.span())
            })),
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

/// One diagnostic about a file. A syntax error stops the parser, so a file
/// has either one syntax error or whatever the checker found.
#[derive(Debug)]
enum Finding {
    /// The file does not parse.
    Syntax(SyntaxError),
    /// The file parses; the checker found an error or a warning.
    Check(CheckError),
}

impl Finding {
    /// The diagnostic, for rendering.
    fn diagnostic(&self) -> &dyn Diagnostic {
        match self {
            Finding::Syntax(error) => error,
            Finding::Check(error) => error,
        }
    }

    /// The main location.
    fn span(&self) -> Span {
        match self {
            Finding::Syntax(error) => error.span(),
            Finding::Check(error) => error.span(),
        }
    }

    /// Whether it is a warning rather than an error.
    fn is_warning(&self) -> bool {
        match self {
            Finding::Syntax(_) => false,
            Finding::Check(error) => error.is_warning(),
        }
    }
}

/// Parses `text`, the contents of the file at `path`, and checks it when it
/// parses. The checker's diagnostics come ordered by position.
fn diagnose(path: &Path, text: &str, imports_outside: bool) -> Vec<Finding> {
    diagnose_and_check(path, text, imports_outside).0
}

/// [`diagnose`], with the checked program when the file has no error.
fn diagnose_and_check(
    path: &Path,
    text: &str,
    imports_outside: bool,
) -> (Vec<Finding>, Option<Program>) {
    let file = match rulec::syntax::parse(text) {
        Ok(file) => file,
        Err(error) => return (vec![Finding::Syntax(error)], None),
    };
    // `use "x.rules"` is relative to the importing file, not to the
    // working directory. A bare file name has the empty path as parent,
    // which joins like the working directory, as it should.
    let imports =
        FolderImports::new(path.parent().unwrap_or(Path::new(""))).allow_outside(imports_outside);
    let checked = rulec::check::check(&file, &imports);
    let findings = checked
        .diagnostics
        .into_iter()
        .map(Finding::Check)
        .collect();
    (findings, checked.program)
}

/// Reads and checks the rule file at `path` for a command that evaluates
/// it (`rulec eval`, `rulec explain`).
///
/// Every diagnostic is rendered on stderr as `rulec check` renders it, and
/// a file with warnings alone still gives its program. The error is the
/// run's status: [`Status::Errors`] when the rules do not check,
/// [`Status::Trouble`] when the file cannot be read.
pub fn load(path: &Path, colour: bool, imports_outside: bool) -> Result<Program, Status> {
    let name = path.display().to_string();
    let source = crate::source::read(path).map_err(|reason| {
        eprintln_quiet(&format!("error: cannot read `{name}`: {reason}"));
        Status::Trouble
    })?;
    let (findings, program) = diagnose_and_check(path, source.text(), imports_outside);
    let text = TextRenderer::new(colour);
    for finding in &findings {
        let rendered = render_escaped(
            &text,
            &name,
            source.text(),
            finding.diagnostic(),
            finding.span(),
        );
        eprintln_quiet(&rendered);
    }
    let count = Count::of(&findings);
    match program {
        Some(program) if count.errors == 0 => Ok(program),
        _ => {
            eprintln_quiet(&summary(&name, count, false));
            Err(Status::Errors)
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
    fn of(findings: &[Finding]) -> Self {
        let warnings = findings.iter().filter(|f| f.is_warning()).count();
        Self {
            errors: findings.len() - warnings,
            warnings,
        }
    }

    /// Whether the file fails the run.
    fn fails(self, deny_warnings: bool) -> bool {
        self.errors > 0 || (deny_warnings && self.warnings > 0)
    }
}

/// Renders a diagnostic as [`TextRenderer::render`] does, with the
/// source's control characters, bidi controls and invisible characters
/// shown as `\u{1b}` escapes: the snippet quotes the file, and a rule file
/// holding an escape sequence must not act on the terminal it is shown on.
/// Labels are moved to where their text is in the escaped source.
pub(crate) fn render_escaped(
    renderer: &TextRenderer,
    name: &str,
    source: &str,
    diagnostic: &dyn Diagnostic,
    primary: Span,
) -> String {
    let (escaped, escapes) = escape_for_terminal(source);
    let (name, _) = escape_for_terminal(name);
    let map = |span: Span| {
        Span::new(
            escapes.map(span.start as usize),
            escapes.map(span.end as usize),
        )
    };
    let shown = Escaped {
        diagnostic,
        escapes: &escapes,
    };
    renderer.render(&name, &escaped, &shown, map(primary))
}

/// A diagnostic whose labels point into the escaped source, and whose
/// words are escaped too (they may quote a string from the file).
struct Escaped<'a> {
    diagnostic: &'a dyn Diagnostic,
    escapes: &'a Escapes,
}

impl fmt::Debug for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_for_terminal(&self.diagnostic.to_string()).0)
    }
}

impl std::error::Error for Escaped<'_> {}

impl Diagnostic for Escaped<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic.code()
    }

    fn severity(&self) -> Option<Severity> {
        self.diagnostic.severity()
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let help = self.diagnostic.help()?.to_string();
        Some(Box::new(escape_for_terminal(&help).0.into_owned()))
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic.url()
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let labels = self.diagnostic.labels()?.map(|label| {
            let start = self.escapes.map(label.offset());
            let end = self.escapes.map(label.offset() + label.len());
            let text = label.label().map(|l| escape_for_terminal(l).0.into_owned());
            if label.primary() {
                LabeledSpan::new_primary_with_span(text, (start, end - start))
            } else {
                LabeledSpan::new_with_span(text, (start, end - start))
            }
        });
        Some(Box::new(labels))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        self.diagnostic.related()
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
