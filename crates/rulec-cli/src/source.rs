//! Rule file text as a terminal may be shown it, and line and column of
//! an offset. (Reading a rule file, its size limit and byte order mark,
//! is the library's: [`rulec::Source::read`].)

use std::borrow::Cow;

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
