//! Diagnostic rendering: miette's graphical report for people, JSON for
//! tools.
//!
//! The library's diagnostics carry byte spans but not the source; here each
//! one is paired with the file it is about.

use std::borrow::Cow;
use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity,
    SourceCode,
};
use rulec::syntax::Span;
use serde::Serialize;

use crate::source::{Source, floor_char_boundary, line_column};

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

    /// Renders one diagnostic about the file `name` whose text is `source`;
    /// `primary` is its main location, which the header's line:column
    /// names.
    pub fn render(
        &self,
        name: &str,
        source: &str,
        diagnostic: &dyn Diagnostic,
        primary: Span,
    ) -> String {
        let source = NamedSource::new(name, source.to_owned());
        let in_file = InFile {
            diagnostic,
            source: &source,
            primary,
        };
        let mut out = String::new();
        if self.handler.render_report(&mut out, &in_file).is_err() {
            // Rendering into a String fails only if a Display impl does;
            // the plain message still says what is wrong.
            out = format!("error: {name}: {diagnostic}\n");
        }
        out
    }
}

/// A diagnostic together with the source it points into, which is what
/// miette needs to show the offending line.
struct InFile<'a> {
    /// The library's diagnostic.
    diagnostic: &'a dyn Diagnostic,
    /// The file it is about.
    source: &'a NamedSource<String>,
    /// The label at this span is marked primary, so the header points there.
    primary: Span,
}

impl fmt::Debug for InFile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for InFile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.diagnostic, f)
    }
}

impl std::error::Error for InFile<'_> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.diagnostic.source()
    }
}

impl Diagnostic for InFile<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic.code()
    }

    fn severity(&self) -> Option<Severity> {
        self.diagnostic.severity()
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic.help()
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic.url()
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let text = self.source.inner().as_str();
        let primary = (self.primary.start as usize, self.primary.len());
        let labels = self.diagnostic.labels()?.map(move |label| {
            let is_primary = label.primary() || (label.offset(), label.len()) == primary;
            let span = visible_span(text, label.offset(), label.len());
            let text = label.label().map(str::to_owned);
            if is_primary {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            }
        });
        Some(Box::new(labels))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        self.diagnostic.related()
    }

    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.diagnostic.diagnostic_source()
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
    /// Describes `diagnostic`, whose main location is `span`, in the file
    /// `name` whose text is `source`. Line and column count in the text,
    /// the span's offsets in the file's bytes.
    pub fn new(name: &str, source: &Source, diagnostic: &dyn Diagnostic, span: Span) -> Self {
        let severity = match diagnostic.severity() {
            Some(Severity::Error) | None => "error",
            Some(Severity::Warning) => "warning",
            Some(Severity::Advice) => "advice",
        };
        let (line, column) = line_column(source.text(), span.start as usize);
        Self {
            code: diagnostic.code().map(|c| c.to_string()),
            severity,
            message: diagnostic.to_string(),
            file: name.to_owned(),
            line,
            column,
            span: JsonSpan {
                start: source.file_offset(span.start),
                end: source.file_offset(span.end),
            },
            help: diagnostic.help().map(|h| h.to_string()),
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

    #[test]
    fn json_describes_a_syntax_error() {
        let source = Source::new("inclusion {\n  hb: hemoglobin >> 80 g/L\n}\n".to_owned());
        let error = rulec::syntax::parse(source.text()).unwrap_err();
        let diagnostic = JsonDiagnostic::new("x.rules", &source, &error, error.span());
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
        let diagnostic = JsonDiagnostic::new("x.rules", &source, &error, error.span());
        assert_eq!((diagnostic.line, diagnostic.column), (1, 14));
        assert_eq!((diagnostic.span.start, diagnostic.span.end), (16, 16));
    }

    #[test]
    fn plain_text_has_no_escape_sequences() {
        let source = "define x: (a\n";
        let error = rulec::syntax::parse(source).unwrap_err();
        let text = TextRenderer::new(false).render("x.rules", source, &error, error.span());
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("x.rules:"), "{text}");
    }

    #[test]
    fn colour_uses_escape_sequences() {
        let source = "define x: (a\n";
        let error = rulec::syntax::parse(source).unwrap_err();
        let text = TextRenderer::new(true).render("x.rules", source, &error, error.span());
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
