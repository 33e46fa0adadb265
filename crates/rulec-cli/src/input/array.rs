//! A JSON array of records, split into its elements without parsing them.
//!
//! The reader thread only finds where each element ends — by its brackets,
//! outside strings — and hands the element's text on, so that elements are
//! parsed on the evaluating threads like lines of JSON Lines, an element
//! that is not valid JSON is a data error for that record alone, and an
//! element longer than [`MAX_LINE`] is skipped without being held.

use std::io::BufRead;

use super::{Chunker, Item, MAX_LINE};

/// Where the scan is inside an element.
#[derive(Default)]
struct Scan {
    /// Arrays and objects open.
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// Lines of the input begun so far, from 1, for messages.
    line: usize,
}

/// How an element ended.
enum End {
    /// A `,`: another element follows.
    Comma,
    /// The `]` that closes the array.
    Close,
    /// The end of the input.
    Eof,
}

/// An element's text, or its length once it is known to be too long.
struct Element {
    text: Vec<u8>,
    len: usize,
    /// The line it starts on.
    line: usize,
}

impl Element {
    fn push(&mut self, bytes: &[u8]) {
        self.len += bytes.len();
        if self.len <= MAX_LINE {
            self.text.extend_from_slice(bytes);
        } else if !self.text.is_empty() {
            self.text = Vec::new();
        }
    }
}

/// Reads a JSON array and sends its elements. The records before a
/// failure keep their verdicts; what makes the array itself invalid (no
/// `[`, an empty element, text after the `]`, the input ending inside it)
/// ends the reading with the reason.
pub fn read(mut reader: impl BufRead, chunks: &mut Chunker<'_>) -> Result<(), String> {
    let mut scan = Scan {
        line: 1,
        ..Scan::default()
    };
    let invalid = |reason: String| format!("not a valid JSON array: {reason}");
    match skip_whitespace(&mut reader, &mut scan)? {
        Some(b'[') => reader.consume(1),
        Some(byte) => {
            return Err(invalid(format!(
                "it starts with `{}` at line {}, not `[`",
                char::from(byte).escape_default(),
                scan.line
            )));
        }
        None => return Err(invalid("the input is empty".to_owned())),
    }
    if skip_whitespace(&mut reader, &mut scan)? == Some(b']') {
        reader.consume(1);
        return after_the_array(&mut reader, &mut scan);
    }
    let mut position = 0;
    loop {
        position += 1;
        let (element, end) = read_element(&mut reader, &mut scan)?;
        let blank = element.len <= MAX_LINE && element.text.iter().all(u8::is_ascii_whitespace);
        if blank {
            if matches!(end, End::Eof) {
                return Err(invalid(format!(
                    "the input ends after element {}, before the `]` that closes the array \
                     (was it cut short?)",
                    position - 1
                )));
            }
            return Err(invalid(format!(
                "element {position} is empty (a comma with nothing after it, line {})",
                scan.line
            )));
        }
        let len = element.len;
        let item = item(position, element, &scan, &end);
        if !chunks.push(item, len) {
            return Ok(());
        }
        match end {
            End::Comma => {}
            End::Close => return after_the_array(&mut reader, &mut scan),
            End::Eof => {
                let place = if scan.depth == 0 && !scan.in_string {
                    "after"
                } else {
                    "inside"
                };
                return Err(invalid(format!(
                    "the input ends {place} element {position}, before the `]` that closes the array \
                     (was it cut short?)"
                )));
            }
        }
    }
}

/// The record an element gives.
fn item(position: usize, element: Element, scan: &Scan, end: &End) -> Item {
    if element.len > MAX_LINE {
        return Item::Unreadable {
            position,
            reason: format!(
                "the element is longer than {} MiB ({} bytes), the most a record may be",
                MAX_LINE >> 20,
                element.len
            ),
        };
    }
    // An element cut inside a string or a bracket is no record, whatever
    // its text says.
    if matches!(end, End::Eof) && (scan.depth > 0 || scan.in_string) {
        return Item::Unreadable {
            position,
            reason: "the input ends inside this element: was it cut short?".to_owned(),
        };
    }
    let line = element.line;
    match String::from_utf8(element.text) {
        Ok(text) => Item::Element {
            position,
            text,
            line,
        },
        Err(e) => Item::Unreadable {
            position,
            reason: format!(
                "not valid UTF-8 at byte {} of the element",
                e.utf8_error().valid_up_to() + 1
            ),
        },
    }
}

/// Reads one element, up to the `,` or `]` after it (consumed).
fn read_element(reader: &mut impl BufRead, scan: &mut Scan) -> Result<(Element, End), String> {
    // From its first character, so that the lines and columns of a
    // message about its text count from there.
    skip_whitespace(reader, scan)?;
    let mut element = Element {
        text: Vec::new(),
        len: 0,
        line: scan.line,
    };
    loop {
        let buf = reader.fill_buf().map_err(|e| read_failed(scan, &e))?;
        if buf.is_empty() {
            return Ok((element, End::Eof));
        }
        match scan.find_end(buf) {
            Some((at, end)) => {
                element.push(buf.get(..at).unwrap_or_default());
                reader.consume(at + 1);
                return Ok((element, end));
            }
            None => {
                element.push(buf);
                let len = buf.len();
                reader.consume(len);
            }
        }
    }
}

impl Scan {
    /// Where in `bytes` the current element ends, and how; `None` when it
    /// goes on past them.
    fn find_end(&mut self, bytes: &[u8]) -> Option<(usize, End)> {
        for (at, byte) in bytes.iter().enumerate() {
            if *byte == b'\n' {
                self.line += 1;
            }
            if self.in_string {
                match (self.escaped, byte) {
                    (true, _) => self.escaped = false,
                    (false, b'\\') => self.escaped = true,
                    (false, b'"') => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match byte {
                b'"' => self.in_string = true,
                b'[' | b'{' => self.depth += 1,
                b',' if self.depth == 0 => return Some((at, End::Comma)),
                b']' if self.depth == 0 => return Some((at, End::Close)),
                // A `}` with nothing open is left in the element, whose
                // text is then not JSON: a data error for it alone.
                b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
        }
        None
    }
}

/// Nothing but whitespace may follow the array.
fn after_the_array(reader: &mut impl BufRead, scan: &mut Scan) -> Result<(), String> {
    match skip_whitespace(reader, scan)? {
        None => Ok(()),
        Some(_) => Err(format!(
            "not a valid JSON array: text after the `]` that closes it, at line {}",
            scan.line
        )),
    }
}

/// Skips whitespace; gives the next byte, not consumed.
fn skip_whitespace(reader: &mut impl BufRead, scan: &mut Scan) -> Result<Option<u8>, String> {
    loop {
        let buf = reader.fill_buf().map_err(|e| read_failed(scan, &e))?;
        if buf.is_empty() {
            return Ok(None);
        }
        let blank = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let skipped = buf.get(..blank).unwrap_or_default();
        scan.line += skipped.iter().filter(|b| **b == b'\n').count();
        let next = buf.get(blank).copied();
        reader.consume(blank);
        if next.is_some() {
            return Ok(next);
        }
    }
}

fn read_failed(scan: &Scan, e: &std::io::Error) -> String {
    format!("{e} at line {} of the array", scan.line)
}
