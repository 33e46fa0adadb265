//! Rule file text as the parser sees it.

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
    fn line_column_inside_a_character_rounds_down() {
        assert_eq!(line_column("aµb", 2), (1, 2));
    }
}
