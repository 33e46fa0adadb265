//! Rule file text as the parser sees it, and as a terminal may be shown it.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

/// The byte order mark some Windows editors put at the start of UTF-8 files.
const BOM: char = '\u{feff}';

/// The text of a rule file, without a leading byte order mark.
///
/// The mark is not part of the language, and editors do not show it, so it
/// is dropped before parsing; spans then count from the first byte after
/// it, and [`Source::file_offset`] turns them back into file offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The text after the mark.
    text: String,
    /// How many bytes the mark took: 0 or 3.
    skipped: u32,
}

impl Source {
    /// Wraps a file's text, dropping a leading byte order mark.
    pub fn new(mut text: String) -> Self {
        let skipped = if text.starts_with(BOM) {
            text.drain(..BOM.len_utf8());
            3
        } else {
            0
        };
        Self { text, skipped }
    }

    /// The text to parse and render.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The offset in the file of byte `offset` of [`Source::text`].
    pub fn file_offset(&self, offset: u32) -> u32 {
        offset.saturating_add(self.skipped)
    }
}

/// Reads a rule file as UTF-8, describing any failure in one phrase. Every
/// command that reads rule files (`check`, `eval`, `explain`, `fmt`) reads
/// them here, so all refuse the same files with the same words.
pub fn read(path: &Path) -> Result<Source, String> {
    // Read no more than the parser accepts, whatever the file (a device or
    // a pipe has no size to ask for first).
    let limit = rulec::syntax::MAX_SOURCE_LEN;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(limit as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    if bytes.len() > limit {
        return Err(format!(
            "it is larger than {} MiB, the most a rule file may be",
            limit >> 20
        ));
    }
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

/// Whether `c` would act on a terminal or hide text if written raw: C0
/// controls but tab and line breaks, DEL, C1 controls, bidi controls and
/// zero-width characters.
pub fn is_unsafe_for_terminal(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
        || rulec::syntax::is_hidden_character(c)
}

/// `text` with each character [`is_unsafe_for_terminal`] written as
/// `\u{1b}`, and a lone carriage return (one not before a line feed) as
/// `\u{d}`: it would move the cursor back over the line.
///
/// Also returns where the escapes are, to move spans into the escaped text
/// ([`Escapes::map`]).
pub fn escape_for_terminal(text: &str) -> (Cow<'_, str>, Escapes) {
    let lone_cr = |i: usize| {
        text.get(i + 1..)
            .is_some_and(|rest| !rest.starts_with('\n'))
    };
    let needs = |(i, c): (usize, char)| is_unsafe_for_terminal(c) || (c == '\r' && lone_cr(i));
    if !text.char_indices().any(needs) {
        return (Cow::Borrowed(text), Escapes::default());
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut escapes = Escapes::default();
    for (i, c) in text.char_indices() {
        if needs((i, c)) {
            let before = out.len();
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            let grown = out.len() - before - c.len_utf8();
            let total = escapes.grown.last().map_or(0, |(_, g)| *g) + grown;
            escapes.grown.push((i + c.len_utf8(), total));
        } else {
            out.push(c);
        }
    }
    (Cow::Owned(out), escapes)
}

/// Where [`escape_for_terminal`] lengthened the text.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Escapes {
    /// For each escaped character, the offset just past it in the original
    /// text and how many bytes longer the text is from there on.
    grown: Vec<(usize, usize)>,
}

impl Escapes {
    /// The offset in the escaped text of byte `offset` of the original.
    /// An offset inside or at the start of an escaped character maps to
    /// the start of its escape.
    pub fn map(&self, offset: usize) -> usize {
        let passed = self.grown.partition_point(|(end, _)| *end <= offset);
        let grown = passed
            .checked_sub(1)
            .and_then(|i| self.grown.get(i))
            .map_or(0, |(_, g)| *g);
        offset + grown
    }
}

/// The 1-based line and column of byte `offset` in `source`, the column
/// counted in characters (a tab is one).
///
/// An offset past the end counts as the end; one inside a multi-byte
/// character counts as that character's start, so a bad span from any
/// source still yields a position rather than a panic.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(source, offset);
    let before = source.get(..offset).unwrap_or_default();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
    (line, column)
}

/// The largest character boundary of `text` at or before `offset`, clamped
/// to its length.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_dropped_and_counted() {
        let source = Source::new("\u{feff}define x: y".to_owned());
        assert_eq!(source.text(), "define x: y");
        assert_eq!(source.file_offset(0), 3);
    }

    #[test]
    fn text_without_a_mark_is_kept_whole() {
        let source = Source::new("define x: y".to_owned());
        assert_eq!(source.text(), "define x: y");
        assert_eq!(source.file_offset(7), 7);
    }

    #[test]
    fn line_column_is_one_based() {
        assert_eq!(line_column("abc", 0), (1, 1));
        assert_eq!(line_column("abc", 2), (1, 3));
    }

    #[test]
    fn line_column_after_line_breaks() {
        let source = "ab\ncd\r\nef";
        assert_eq!(line_column(source, 3), (2, 1));
        assert_eq!(line_column(source, 4), (2, 2));
        // `\r` belongs to the line it ends, so `e` starts line 3.
        assert_eq!(line_column(source, 7), (3, 1));
    }

    #[test]
    fn line_column_counts_characters_not_bytes() {
        // `µ` is two bytes, `—` three: `x` is the 4th character.
        let source = "µ—ax";
        assert_eq!(line_column(source, 6), (1, 4));
    }

    #[test]
    fn line_column_at_and_past_the_end() {
        assert_eq!(line_column("ab\n", 3), (2, 1));
        assert_eq!(line_column("ab", 99), (1, 3));
        assert_eq!(line_column("", 0), (1, 1));
    }

    #[test]
    fn controls_and_bidi_are_escaped_and_spans_follow() {
        let text = "a\u{1b}[31mb\u{202e}c\r\nd\re";
        let (escaped, escapes) = escape_for_terminal(text);
        assert_eq!(escaped, "a\\u{1b}[31mb\\u{202e}c\r\nd\\u{d}e");
        // `b` is byte 6 of the text; the escape of ESC is 5 bytes longer.
        assert_eq!(escapes.map(6), 11);
        assert_eq!(escaped.get(11..12), Some("b"));
        // `c`, after the 3-byte U+202E escaped as 8 bytes.
        assert_eq!(escapes.map(10), 20);
        assert_eq!(escaped.get(20..21), Some("c"));
        // The escaped character itself maps to the start of its escape.
        assert_eq!(escapes.map(1), 1);
    }

    #[test]
    fn text_without_controls_is_borrowed() {
        let (escaped, escapes) = escape_for_terminal("a\tb\r\nµ");
        assert!(matches!(escaped, Cow::Borrowed(_)));
        assert_eq!(escapes.map(3), 3);
    }

    #[test]
    fn line_column_inside_a_character_rounds_down() {
        assert_eq!(line_column("aµb", 2), (1, 2));
    }
}
