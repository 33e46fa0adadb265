//! Where things are, in the protocol's terms: byte offsets to and from
//! line and UTF-16 column (the protocol's default position encoding), and
//! `file:` URIs to and from paths.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{Position, Range, Uri};

/// The lines of a text, to turn byte offsets into positions and back.
///
/// The library's offsets count from the text without its byte order mark;
/// the editor's positions count the mark (one UTF-16 unit on line 0).
#[derive(Debug)]
pub struct LineIndex<'t> {
    text: &'t str,
    /// The byte offset where each line starts.
    starts: Vec<usize>,
    /// The length of a leading byte order mark (0 or 3).
    shift: usize,
}

impl<'t> LineIndex<'t> {
    /// The index of `text` as the editor holds it.
    pub fn new(text: &'t str) -> Self {
        let shift = if text.starts_with('\u{feff}') { 3 } else { 0 };
        // Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol counts.
        let bytes = text.as_bytes();
        let starts = std::iter::once(0)
            .chain(bytes.iter().enumerate().filter_map(|(i, b)| {
                let ends = *b == b'\n' || (*b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
                ends.then_some(i + 1)
            }))
            .collect();
        LineIndex {
            text,
            starts,
            shift,
        }
    }

    /// The position of library byte `offset` (clamped to the text, and to
    /// the start of the character it falls in).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.saturating_add(self.shift).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|start| *start <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or_default();
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.encode_utf16().count());
        Position::new(to_u32(line), to_u32(column))
    }

    /// The range of library bytes `start..end`.
    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end))
    }

    /// The range of the whole text.
    pub fn whole(&self) -> Range {
        Range::new(Position::new(0, 0), self.position(self.text.len()))
    }

    /// The library byte offset of `position`; a line past the end is the
    /// end of the text, a column past the end of its line the end of the
    /// line, a column inside a character its start.
    pub fn offset(&self, position: Position) -> usize {
        let Some(start) = self.starts.get(position.line as usize).copied() else {
            return self.text.len().saturating_sub(self.shift);
        };
        let line = self.text.get(start..).unwrap_or_default();
        let line = line.split(['\n', '\r']).next().unwrap_or_default();
        let mut units = 0;
        let mut within = line.len();
        for (at, c) in line.char_indices() {
            if units + c.len_utf16() > position.character as usize {
                within = at;
                break;
            }
            units += c.len_utf16();
        }
        (start + within).saturating_sub(self.shift)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The path of a `file:` URI, percent-decoded; `None` for other schemes.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file:///x` has an empty authority, `file://localhost/x` a host.
    let path = rest.get(rest.find('/')?..)?;
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let mut bytes = Vec::with_capacity(path.len());
    let mut raw = path.bytes();
    while let Some(b) = raw.next() {
        if b == b'%' {
            let hex: Vec<u8> = raw.by_ref().take(2).collect();
            let value = std::str::from_utf8(&hex)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())?;
            bytes.push(value);
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).ok().map(PathBuf::from)
}

/// The `file:` URI of an absolute path, every byte but the unreserved
/// ones and `/` percent-encoded.
pub fn file_uri(path: &Path) -> Option<Uri> {
    let path = path.to_str()?;
    let mut uri = String::from("file://");
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&uri).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_offsets_and_positions_round_trip() {
        let text = "fields {\n  a: bool\n}\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(0), Position::new(0, 0));
        assert_eq!(index.position(11), Position::new(1, 2));
        assert_eq!(index.position(text.len()), Position::new(3, 0));
        for offset in 0..=text.len() {
            assert_eq!(index.offset(index.position(offset)), offset);
        }
    }

    #[test]
    fn columns_count_utf16_units() {
        // `µ` is 2 bytes and 1 unit, `≥` 3 bytes and 1 unit, `𝛼` 4 bytes
        // and 2 units.
        let text = "x: a ≥ 5 µmol/L\ny: 𝛼b";
        let index = LineIndex::new(text);
        let micro = text.find('µ').unwrap();
        assert_eq!(index.position(micro), Position::new(0, 9));
        assert_eq!(index.position(micro + 2), Position::new(0, 10));
        assert_eq!(index.offset(Position::new(0, 10)), micro + 2);
        assert_eq!(index.position(text.find("5").unwrap()), Position::new(0, 7));
        let b = text.find('b').unwrap();
        assert_eq!(index.position(b), Position::new(1, 5));
        assert_eq!(index.offset(Position::new(1, 5)), b);
        // Inside the surrogate pair: the character's start.
        assert_eq!(index.offset(Position::new(1, 4)), b - 4);
        // Inside a character's bytes: its start.
        assert_eq!(index.position(micro + 1), Position::new(0, 9));
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(Position::new(0, 99)), 2);
        assert_eq!(index.offset(Position::new(7, 0)), text.len());
        assert_eq!(index.position(1000), Position::new(1, 2));
        assert_eq!(
            index.whole(),
            Range::new(Position::new(0, 0), Position::new(1, 2))
        );
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let text = "ab\rcd\r\nef\ngh";
        let index = LineIndex::new(text);
        assert_eq!(index.position(3), Position::new(1, 0));
        assert_eq!(index.position(7), Position::new(2, 0));
        assert_eq!(index.position(10), Position::new(3, 0));
        assert_eq!(index.offset(Position::new(0, 99)), 2);
        assert_eq!(index.offset(Position::new(1, 1)), 4);
        assert_eq!(index.offset(Position::new(1, 99)), 5);
        for offset in [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12] {
            assert_eq!(index.offset(index.position(offset)), offset);
        }
    }

    #[test]
    fn a_byte_order_mark_shifts_line_zero() {
        let text = "\u{feff}ab\ncd";
        let index = LineIndex::new(text);
        // Library offset 0 is `a`, after the mark.
        assert_eq!(index.position(0), Position::new(0, 1));
        assert_eq!(index.offset(Position::new(0, 1)), 0);
        assert_eq!(index.offset(Position::new(1, 1)), 4);
    }

    #[test]
    fn file_uris_and_paths() {
        let uri = Uri::from_str("file:///tmp/a%20b/%C2%B5.rules").unwrap();
        assert_eq!(file_path(&uri).unwrap(), PathBuf::from("/tmp/a b/µ.rules"));
        let back = file_uri(Path::new("/tmp/a b/µ.rules")).unwrap();
        assert_eq!(back.as_str(), "file:///tmp/a%20b/%C2%B5.rules");
        assert_eq!(file_path(&back).unwrap(), PathBuf::from("/tmp/a b/µ.rules"));
        let host = Uri::from_str("file://localhost/etc/x.rules").unwrap();
        assert_eq!(file_path(&host).unwrap(), PathBuf::from("/etc/x.rules"));
        assert!(file_path(&Uri::from_str("untitled:Untitled-1").unwrap()).is_none());
    }
}
