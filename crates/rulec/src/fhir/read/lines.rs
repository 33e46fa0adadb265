//! Lines of a file with their byte offsets, never holding more than a
//! limit of one line (`BufRead::read_until` would grow without bound on a
//! file with no newline).

use std::io::{self, BufRead};

/// One line, without its `\n`.
pub(super) struct Line<'b> {
    /// From 1.
    pub number: usize,
    /// The byte offset of its first byte in the file.
    pub offset: u64,
    /// Its length in bytes (even when too long to be held).
    pub len: u64,
    /// Its bytes, or `None` when longer than the limit.
    pub bytes: Option<&'b [u8]>,
}

pub(super) struct Lines<R> {
    reader: R,
    offset: u64,
    number: usize,
    limit: usize,
    buf: Vec<u8>,
}

impl<R: BufRead> Lines<R> {
    pub fn new(reader: R, limit: usize) -> Self {
        Lines {
            reader,
            offset: 0,
            number: 0,
            limit,
            buf: Vec::new(),
        }
    }

    /// The next line, or `None` at the end of the file.
    pub fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        self.buf.clear();
        let start = self.offset;
        let mut len = 0u64;
        let mut too_long = false;
        let mut ended = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                ended = true;
                break;
            }
            let newline = available.iter().position(|&b| b == b'\n');
            let take = newline.unwrap_or(available.len());
            let part = available.get(..take).unwrap_or_default();
            if !too_long {
                if self.buf.len().saturating_add(take) > self.limit {
                    // Past the limit the line is only measured: its bytes
                    // are dropped as they come.
                    too_long = true;
                    self.buf = Vec::new();
                } else {
                    self.buf.extend_from_slice(part);
                }
            }
            len = len.saturating_add(take as u64);
            let consumed = take + usize::from(newline.is_some());
            self.reader.consume(consumed);
            self.offset = self.offset.saturating_add(consumed as u64);
            if newline.is_some() {
                break;
            }
        }
        if ended && len == 0 {
            return Ok(None);
        }
        self.number = self.number.saturating_add(1);
        Ok(Some(Line {
            number: self.number,
            offset: start,
            len,
            bytes: (!too_long).then_some(self.buf.as_slice()),
        }))
    }
}
