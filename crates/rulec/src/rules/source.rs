//! Rule file text as the parser sees it: read with a size limit, as
//! UTF-8, without a leading byte order mark.

use std::io::Read;
use std::path::Path;

use thiserror::Error;

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
    #[must_use]
    pub fn new(mut text: String) -> Self {
        let skipped = if text.starts_with(BOM) {
            text.drain(..BOM.len_utf8());
            3
        } else {
            0
        };
        Self { text, skipped }
    }

    /// Reads the rule file at `path`: no more than
    /// [`crate::syntax::MAX_SOURCE_LEN`] bytes (a device or a pipe has no
    /// size to ask for first), as UTF-8.
    ///
    /// # Errors
    ///
    /// The file cannot be read, is too large, or is not UTF-8.
    pub fn read(path: &Path) -> Result<Source, ReadError> {
        let limit = crate::syntax::MAX_SOURCE_LEN;
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|file| file.take(limit as u64 + 1).read_to_end(&mut bytes))?;
        if bytes.len() > limit {
            return Err(ReadError::TooLarge { limit });
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = e.utf8_error().valid_up_to();
            let prefix = e
                .as_bytes()
                .get(..valid)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default();
            let line = prefix.matches('\n').count() + 1;
            let line_start = prefix.rfind('\n').map_or(0, |i| i + 1);
            let column = prefix.get(line_start..).unwrap_or_default().chars().count() + 1;
            ReadError::NotUtf8 { line, column }
        })?;
        Ok(Source::new(text))
    }

    /// The text to parse and render.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The offset in the file of byte `offset` of [`Source::text`].
    #[must_use]
    pub fn file_offset(&self, offset: u32) -> u32 {
        offset.saturating_add(self.skipped)
    }
}

/// Why a rule file cannot be read. Its words complete "cannot read
/// `file`: …".
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The system's reason.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Larger than [`crate::syntax::MAX_SOURCE_LEN`].
    #[error("it is larger than {} MiB, the most a rule file may be", limit >> 20)]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// Not UTF-8 from this line and column (1-based, columns in
    /// characters).
    #[error("not valid UTF-8 at line {line}, column {column}; save the file as UTF-8")]
    NotUtf8 {
        /// The line.
        line: usize,
        /// The column.
        column: usize,
    },
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
}
