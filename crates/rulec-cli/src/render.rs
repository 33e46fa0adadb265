//! Diagnostic rendering: miette's graphical report for people, JSON for
//! tools. Every diagnostic the CLI shows about a rule file, whatever the
//! stage that found it, is a [`rulec::Diagnostic`] rendered here.
//!
//! The library's diagnostics carry byte spans, each in its file, but not
//! the text: here each one is paired with the texts it points into.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};
use rulec::{Diagnostic, FileRef, Severity, SourceFiles};
use serde::Serialize;

use crate::source::{escape_for_terminal, floor_char_boundary, line_column};

/// Renders diagnostics like a compiler: `file:line:column`, the source line, an
/// underline with labels, help, and the diagnostic code.
pub struct TextRenderer {
    handler: GraphicalReportHandler,
}

impl TextRenderer {
    /// A renderer with ANSI colours, or plain text when `colour` is false.
    pub fn new(colour: bool) -> Self {
        let theme = if colour {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        // Terminal hyperlinks are escape sequences too: only on a terminal.
        let handler = GraphicalReportHandler::new_themed(theme).with_links(colour);
        Self { handler }
    }

    /// Renders one diagnostic about the rule file `name` (as the user
    /// named it), whose texts are `files`.
    ///
    /// The snippets quote the files, and a rule file holding an escape
    /// sequence must not act on the terminal it is shown on: control
    /// characters, bidi controls and invisible characters are shown as
    /// `\u{1b}` escapes, in the snippets and in the words (they may quote
    /// the file), and labels are moved to where their text is in the
    /// escaped source. The header names the primary label's file; labels
    /// in another file (the `use` of an imported file) follow, under that
    /// file's name.
    pub fn render(&self, name: &str, files: &SourceFiles, diagnostic: &Diagnostic) -> String {
        let primary = diagnostic
            .primary()
            .map_or(FileRef::Main, |l| l.file().clone());
        let mut others: Vec<&FileRef> = Vec::new();
        for label in diagnostic.labels() {
            if *label.file() != primary && !others.contains(&label.file()) {
                others.push(label.file());
            }
        }
        let related = others
            .into_iter()
            .map(|file| {
                let note = format!("`{}` is imported here", file_name(name, &primary));
                Shown::new(name, files, file, diagnostic, Related::Is(note))
            })
            .collect();
        let shown = Shown::new(name, files, &primary, diagnostic, Related::Has(related));
        let mut out = String::new();
        if self.handler.render_report(&mut out, &shown).is_err() {
            // Rendering into a String fails only if a Display impl does;
            // the plain message still says what is wrong.
            out = format!("error: {name}: {}\n", shown.message);
        }
        out
    }
}

/// The name to show for `file`: the rule file as the user named it, or an
/// imported file's path joined to its folder, as the checker read it.
pub fn file_name(name: &str, file: &FileRef) -> String {
    match file {
        FileRef::Import(path) => Path::new(name)
            .parent()
            .unwrap_or(Path::new(""))
            .join(path)
            .display()
            .to_string(),
        _ => name.to_owned(),
    }
}

/// Whether a [`Shown`] is the diagnostic itself, with the reports of its
/// labels in other files, or one of those.
enum Related {
    Has(Vec<Shown>),
    /// With the report's words.
    Is(String),
}

/// A diagnostic's labels in one file, with that file's text, ready for
/// miette, every word escaped for the terminal. The labels in other files
/// are related reports of their own.
struct Shown {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    source: NamedSource<String>,
    labels: Vec<LabeledSpan>,
    related: Vec<Shown>,
}

impl Shown {
    fn new(
        name: &str,
        files: &SourceFiles,
        file: &FileRef,
        diagnostic: &Diagnostic,
        related: Related,
    ) -> Self {
        let text = files.text(file).unwrap_or_default();
        let (escaped, escapes) = escape_for_terminal(text);
        let escaped = escaped.into_owned();
        let shown_name = file_name(name, file);
        let (shown_name, _) = escape_for_terminal(&shown_name);
        let labels = diagnostic
            .labels()
            .iter()
            .filter(|label| label.file() == file)
            .map(|label| {
                let start = escapes.map(label.start() as usize);
                let end = escapes.map(label.end() as usize);
                let span = visible_span(&escaped, start, end - start);
                let words = label
                    .text()
                    .map(|words| escape_for_terminal(words).0.into_owned());
                if label.is_primary() {
                    LabeledSpan::new_primary_with_span(words, span)
                } else {
                    LabeledSpan::new_with_span(words, span)
                }
            })
            .collect();
        // A related report (the `use` of an imported file) has no code or
        // help of its own: it says where the file was imported.
        let (message, code, severity, help, related) = match related {
            Related::Has(related) => {
                let severity = match diagnostic.severity() {
                    Severity::Warning => miette::Severity::Warning,
                    _ => miette::Severity::Error,
                };
                (
                    escape_for_terminal(diagnostic.message()).0.into_owned(),
                    diagnostic.code().to_owned(),
                    severity,
                    diagnostic
                        .help()
                        .map(|help| escape_for_terminal(help).0.into_owned()),
                    related,
                )
            }
            Related::Is(note) => {
                let note = escape_for_terminal(&note).0.into_owned();
                (
                    note,
                    String::new(),
                    miette::Severity::Advice,
                    None,
                    Vec::new(),
                )
            }
        };
        Shown {
            message,
            code,
            severity,
            help,
            source: NamedSource::new(shown_name, escaped),
            labels,
            related,
        }
    }
}

impl fmt::Debug for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Shown {}

impl miette::Diagnostic for Shown {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

/// Where miette should draw a label given as `offset` and `len` bytes, so
/// that it is drawn at all and drawing it cannot panic.
///
/// miette hides a label at the very end of the source and panics on one
/// past it (zkat/miette#465); a parser's "found the end of the file" sits
/// exactly there, often after trailing blank lines. Such a label is moved
/// to just after the last token, where rustc puts its caret too, or onto
/// the last character when nothing follows it. Every offset is also kept
/// on a character boundary.
fn visible_span(text: &str, offset: usize, len: usize) -> (usize, usize) {
    let start = floor_char_boundary(text, offset);
    let end = floor_char_boundary(text, offset.saturating_add(len)).max(start);
    let content_end = text.trim_end().len();
    if start < content_end || text.is_empty() {
        return (start, end - start);
    }
    let anchor = if content_end < text.len() {
        content_end
    } else {
        text.char_indices().next_back().map_or(0, |(i, _)| i)
    };
    (anchor, 0)
}

/// `text` as it may be shown on a terminal: every control character (C0,
/// DEL, C1) and every bidirectional control written as a visible escape
/// (`\n`, `\t`, `\r`, else `\u{1b}`), the rest as it is.
///
/// Ids, keys, values, labels and file names come from records and rule
/// files that anyone may have written: raw, an escape sequence could
/// rewrite the terminal, a line break print a fake verdict line, and a
/// bidi override show text in another order than it is. Machine output
/// (JSON, CSV) keeps the text exact instead. Backslashes are left alone:
/// the aim is a safe display, not a reversible one.
pub fn printable(text: &str) -> Cow<'_, str> {
    // Every character escaped is below U+0020, U+007F, or starts with one
    // of these UTF-8 lead bytes (U+0080–U+00AD: 0xC2, U+061C: 0xD8,
    // U+200B–U+2069: 0xE2, U+FEFF: 0xEF): text without them, nearly all of
    // it, is returned as it is after one pass over its bytes.
    if !text
        .bytes()
        .any(|b| b < 0x20 || b == 0x7f || matches!(b, 0xc2 | 0xd8 | 0xe2 | 0xef))
    {
        return Cow::Borrowed(text);
    }
    // `µ`, `—`, `€` share those lead bytes: text with them but nothing
    // to escape is still returned as it is.
    let first = text.char_indices().find(|&(_, c)| needs_escape(c));
    let Some((clean, rest)) = first.and_then(|(i, _)| text.split_at_checked(i)) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(clean);
    for c in rest.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                use std::fmt::Write as _;
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Control characters, bidi controls and invisible characters: the very
/// characters `check` escapes in a rule file's snippets (one rule, in
/// [`crate::source::is_unsafe_for_terminal`]), plus tab and line breaks,
/// which a one-line field must not contain either.
fn needs_escape(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\t') || crate::source::is_unsafe_for_terminal(c)
}

/// One diagnostic in `--format json` output.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct JsonDiagnostic {
    /// The stable code, such as `rulec::syntax::expected`.
    code: Option<String>,
    /// `error`, `warning` or `advice`.
    severity: &'static str,
    /// The one-line message.
    message: String,
    /// The file as named on the command line.
    file: String,
    /// 1-based line of the span's start.
    line: usize,
    /// 1-based column of the span's start, in characters.
    column: usize,
    /// Byte offsets into the file.
    span: JsonSpan,
    /// The suggestion, if there is one.
    help: Option<String>,
}

/// A byte range, end exclusive.
#[derive(Debug, Serialize, PartialEq, Eq)]
struct JsonSpan {
    /// Offset of the first byte.
    start: u32,
    /// Offset one past the last byte.
    end: u32,
}

impl JsonDiagnostic {
    /// Describes `diagnostic` about the rule file `name` whose texts are
    /// `files`, at its main location: the file it is in, line and column
    /// counted in that file's text, the span's offsets in the file's bytes
    /// (a byte order mark the rule file starts with counted).
    pub fn new(name: &str, files: &SourceFiles, diagnostic: &Diagnostic) -> Self {
        let severity = match diagnostic.severity() {
            Severity::Warning => "warning",
            _ => "error",
        };
        let file = diagnostic
            .primary()
            .map_or(&FileRef::Main, |label| label.file());
        let (start, end) = diagnostic
            .primary()
            .map_or((0, 0), |label| (label.start(), label.end()));
        let text = files.text(file).unwrap_or_default();
        let (line, column) = line_column(text, start as usize);
        let offset = |n: u32| match file {
            FileRef::Main => files.main().file_offset(n),
            _ => n,
        };
        Self {
            code: Some(diagnostic.code().to_owned()).filter(|c| !c.is_empty()),
            severity,
            message: diagnostic.message().to_owned(),
            file: file_name(name, file),
            line,
            column,
            span: JsonSpan {
                start: offset(start),
                end: offset(end),
            },
            help: diagnostic.help().map(str::to_owned),
        }
    }
}

/// The whole run's diagnostics as one JSON array.
pub fn json(diagnostics: &[JsonDiagnostic]) -> serde_json::Result<String> {
    serde_json::to_string_pretty(diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rulec::Source;

    #[test]
    fn json_describes_a_syntax_error() {
        let source = Source::new("inclusion {\n  hb: hemoglobin >> 80 g/L\n}\n".to_owned());
        let error = rulec::syntax::parse(source.text()).unwrap_err();
        let files = SourceFiles::from(source);
        let diagnostic = JsonDiagnostic::new("x.rules", &files, &Diagnostic::from(&error));
        assert_eq!(diagnostic.file, "x.rules");
        assert_eq!(diagnostic.severity, "error");
        assert_eq!(diagnostic.code.as_deref(), Some("rulec::syntax::expected"));
        assert_eq!(diagnostic.message, error.to_string());
        assert_eq!((diagnostic.line, diagnostic.column), (2, 19));
        assert_eq!((diagnostic.span.start, diagnostic.span.end), (30, 31));
    }

    #[test]
    fn json_offsets_count_a_byte_order_mark_but_columns_do_not() {
        let source = Source::new("\u{feff}define x: a >".to_owned());
        let error = rulec::syntax::parse(source.text()).unwrap_err();
        let files = SourceFiles::from(source);
        let diagnostic = JsonDiagnostic::new("x.rules", &files, &Diagnostic::from(&error));
        assert_eq!((diagnostic.line, diagnostic.column), (1, 14));
        assert_eq!((diagnostic.span.start, diagnostic.span.end), (16, 16));
    }

    #[test]
    fn plain_text_has_no_escape_sequences() {
        let source = "define x: (a\n";
        let error = rulec::syntax::parse(source).unwrap_err();
        let files = SourceFiles::from(Source::new(source.to_owned()));
        let text = TextRenderer::new(false).render("x.rules", &files, &Diagnostic::from(error));
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("x.rules:"), "{text}");
    }

    #[test]
    fn colour_uses_escape_sequences() {
        let source = "define x: (a\n";
        let error = rulec::syntax::parse(source).unwrap_err();
        let files = SourceFiles::from(Source::new(source.to_owned()));
        let text = TextRenderer::new(true).render("x.rules", &files, &Diagnostic::from(error));
        assert!(text.contains('\u{1b}'), "{text}");
    }

    #[test]
    fn printable_leaves_ordinary_text_alone() {
        for text in ["", "p-001", "µmol/L ≥ 2 × ULN", "a\\nb", "Ünïcödé — ok"] {
            assert!(
                matches!(printable(text), Cow::Borrowed(t) if t == text),
                "{text}"
            );
        }
    }

    #[test]
    fn printable_escapes_controls_and_bidi() {
        assert_eq!(printable("a\nb\tc\rd"), "a\\nb\\tc\\rd");
        assert_eq!(printable("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(
            printable("\0\u{7f}\u{85}\u{9b}"),
            "\\u{0}\\u{7f}\\u{85}\\u{9b}"
        );
        assert_eq!(
            printable("lyon\u{202e}\u{2066}x\u{2069}\u{200f}\u{061c}"),
            "lyon\\u{202e}\\u{2066}x\\u{2069}\\u{200f}\\u{61c}"
        );
        // Characters sharing a lead byte with those are kept.
        assert_eq!(printable("é — € ؛"), "é — € ؛");
    }

    #[test]
    fn labels_inside_the_text_stay_put() {
        assert_eq!(visible_span("a > b\n", 2, 1), (2, 1));
        assert_eq!(visible_span("a > b", 0, 5), (0, 5));
    }

    #[test]
    fn labels_at_the_end_move_after_the_last_token() {
        // After trailing blank lines: onto the first character after `>`.
        assert_eq!(visible_span("a >\n\n", 5, 0), (3, 0));
        // Nothing after the last token: onto its last character.
        assert_eq!(visible_span("a >", 3, 0), (2, 0));
        assert_eq!(visible_span("a ≥", 5, 0), (2, 0));
    }

    #[test]
    fn labels_past_the_end_or_inside_a_character_are_clamped() {
        assert_eq!(visible_span("a >\n", 40, 3), (3, 0));
        assert_eq!(visible_span("µx", 1, 1), (0, 2));
        assert_eq!(visible_span("", 4, 4), (0, 0));
    }
}
