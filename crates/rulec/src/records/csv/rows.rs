//! CSV text split into rows of cells, one physical line per row, with
//! bounded memory.
//!
//! The `csv` crate reads a quoted cell across line breaks, as RFC 4180
//! allows; in a screening export a line break inside a cell is almost
//! always a stray `"` that merges the patients between it and the next
//! quote into one row, with no error. Here a row is one line: a quoted
//! cell still open at the end of its line is read past (without holding
//! it) to find where it closes, and the lines it spans are reported, each
//! as a record of its own. Quoting is otherwise that of the `csv` crate:
//! a cell starting with `"` is quoted, `""` inside it is a quote, text
//! after the closing quote is kept, a `"` inside an unquoted cell is text;
//! lines end in `\n`, `\r\n` or `\r`; blank lines are skipped.

use std::io::{self, BufRead, BufReader, Read};

/// The longest cell read, in bytes; and how far a quoted cell that spans
/// lines is read past before it is given up.
pub const MAX_CSV_CELL: usize = 1 << 20;

/// The longest row read, in bytes (the JSON Lines limit); a longer one is
/// skipped without being held.
pub const MAX_CSV_ROW: usize = 64 << 20;

/// The most columns a header may have.
pub const MAX_CSV_COLUMNS: usize = 4096;

/// Where a quoted cell spanning lines stopped being read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SpanEnd {
    /// The quote closes on the last line, where the row then ends.
    Closed,
    /// The input ends inside the quote.
    EndOfInput,
    /// Still open after [`MAX_CSV_CELL`] bytes: given up at the end of the
    /// last line, and reading resumes on the next.
    TooLong,
}

/// Lines `first..=last` read as one row because a quoted cell spans them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Span {
    pub first: u64,
    pub last: u64,
    /// The blank lines among them, in order: no record is made of them,
    /// as of any blank line.
    pub blank: Vec<u64>,
    pub end: SpanEnd,
}

/// Why the lines of `span` are not read; `line`, the one a record is
/// made of (none for the header).
pub(super) fn span_reason(span: &Span, line: Option<u64>) -> String {
    let Span {
        first, last, end, ..
    } = span;
    let lines = if first == last {
        format!("line {first} is")
    } else {
        format!("lines {first}–{last} are")
    };
    let this = match line {
        Some(line) if first != last => format!(", this one (line {line}) among them"),
        _ => String::new(),
    };
    let stray = "a cell may not span lines (is a `\"` stray?)";
    match end {
        SpanEnd::Closed => format!(
            "a quoted cell opened on line {first} closes on line {last}: lines {first}–{last} \
             were read as one row, and {stray}, so none of them is read{this}"
        ),
        SpanEnd::EndOfInput => format!(
            "a quoted cell opened on line {first} is not closed by the end of the input: \
             {stray}, so {lines} not read{this}"
        ),
        SpanEnd::TooLong => format!(
            "a quoted cell opened on line {first} is still open after {} MiB, on line {last}: \
             {stray}, so {lines} not read{this}; reading goes on from line {}",
            MAX_CSV_CELL >> 20,
            last + 1
        ),
    }
}

/// One row of the input.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Row {
    /// A row on the line `line`, of `count` cells (held in [`Rows`] up to
    /// its cell limit).
    Cells { line: u64, count: usize },
    /// A line of more than [`MAX_CSV_ROW`] bytes, skipped.
    TooLong { line: u64, bytes: u64 },
    /// A quoted cell that spans lines.
    Spanning(Span),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between rows: line breaks here are blank lines.
    StartRow,
    StartCell,
    Unquoted,
    Quoted,
    /// A `"` inside a quoted cell: its end, or the first of `""`.
    QuoteInQuoted,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Cells are kept.
    Cells,
    /// Past a line break inside a quote: nothing is kept, the quotes are
    /// followed to the end of the row.
    Span,
    /// Over [`MAX_CSV_ROW`]: skipped to the end of the line.
    Skip,
}

/// Reads rows from CSV text; see the module documentation.
pub(super) struct Rows<R> {
    reader: BufReader<R>,
    /// Line breaks read so far: the current line is one more.
    breaks: u64,
    /// The last byte read was a `\r`, so a `\n` now ends no line.
    after_cr: bool,
    started: bool,
    ended: bool,
    /// Bytes read so far.
    consumed: u64,
    /// The cells of the last row, unquoted, one after the other.
    text: Vec<u8>,
    /// Where each cell ends in `text`.
    ends: Vec<usize>,
    /// Cells held per row at most; those past it are counted only.
    max_cells: usize,
}

/// What is known of the row being read.
struct Scan {
    state: State,
    mode: Mode,
    first: u64,
    count: usize,
    bytes: u64,
    /// Bytes on the current line.
    line_bytes: u64,
    blank: Vec<u64>,
    last_filled: u64,
}

impl<R: Read> Rows<R> {
    pub(super) fn new(reader: R) -> Rows<R> {
        Rows {
            reader: BufReader::with_capacity(1 << 16, reader),
            breaks: 0,
            after_cr: false,
            started: false,
            ended: false,
            consumed: 0,
            text: Vec::new(),
            ends: Vec::new(),
            max_cells: MAX_CSV_COLUMNS,
        }
    }

    /// Holds at most `max` cells of each row from now on (one more is
    /// held, to tell a longer row).
    pub(super) fn hold_cells(&mut self, max: usize) {
        self.max_cells = max;
    }

    /// Bytes read from the input so far.
    pub(super) fn consumed(&self) -> u64 {
        self.consumed
    }

    /// The cells of the last [`Row::Cells`], trimmed, as many as are held.
    pub(super) fn cells(&self) -> impl Iterator<Item = &[u8]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(start, end)| self.text.get(start..end).unwrap_or_default().trim_ascii())
    }

    /// The next row, or `None` at the end of the input.
    ///
    /// # Errors
    ///
    /// An I/O error of the reader; reading should stop there.
    pub(super) fn next_row(&mut self) -> io::Result<Option<Row>> {
        if self.ended {
            return Ok(None);
        }
        self.text.clear();
        self.ends.clear();
        // One huge row should not keep its buffer for the rest of the input.
        self.text.shrink_to(MAX_CSV_CELL);
        let mut scan = Scan {
            state: State::StartRow,
            mode: Mode::Cells,
            first: 0,
            count: 0,
            bytes: 0,
            line_bytes: 0,
            blank: Vec::new(),
            last_filled: 0,
        };
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if !self.started {
                self.started = true;
                if buf.starts_with(b"\xef\xbb\xbf") {
                    self.reader.consume(3);
                    self.consumed += 3;
                    continue;
                }
            }
            if buf.is_empty() {
                self.ended = true;
                return Ok(self.at_end(scan));
            }
            let (used, row) = step(
                buf,
                &mut scan,
                &mut self.breaks,
                &mut self.after_cr,
                &mut self.text,
                &mut self.ends,
                self.max_cells,
            );
            self.reader.consume(used);
            self.consumed += used as u64;
            if let Some(row) = row {
                return Ok(Some(row));
            }
        }
    }

    /// The row the input ends in, if any.
    fn at_end(&mut self, mut scan: Scan) -> Option<Row> {
        let line = self.breaks + 1;
        match (scan.mode, scan.state) {
            (_, State::StartRow) => None,
            (Mode::Skip, _) => Some(Row::TooLong {
                line: scan.first,
                bytes: scan.bytes,
            }),
            (Mode::Cells, State::Quoted) | (Mode::Span, _) => {
                let last = if scan.line_bytes > 0 {
                    line
                } else {
                    scan.last_filled
                };
                scan.blank.retain(|b| *b < last);
                let end = if scan.state == State::Quoted {
                    SpanEnd::EndOfInput
                } else {
                    SpanEnd::Closed
                };
                Some(Row::Spanning(Span {
                    first: scan.first,
                    last: last.max(scan.first),
                    blank: scan.blank,
                    end,
                }))
            }
            (Mode::Cells, _) => {
                end_cell(&mut scan, &self.text, &mut self.ends, self.max_cells);
                Some(Row::Cells {
                    line: scan.first,
                    count: scan.count,
                })
            }
        }
    }
}

/// Ends a cell at the end of `text`.
fn end_cell(scan: &mut Scan, text: &[u8], ends: &mut Vec<usize>, max_cells: usize) {
    scan.count += 1;
    if ends.len() <= max_cells {
        ends.push(text.len());
    }
}

/// Reads `buf` as far as the end of a row: the bytes used, and the row
/// if it ended.
fn step(
    buf: &[u8],
    scan: &mut Scan,
    breaks: &mut u64,
    after_cr: &mut bool,
    text: &mut Vec<u8>,
    ends: &mut Vec<usize>,
    max_cells: usize,
) -> (usize, Option<Row>) {
    let mut at = 0;
    while let Some(&byte) = buf.get(at) {
        at += 1;
        if byte == b'\n' && *after_cr {
            // The `\n` of a `\r\n`: the line has ended already.
            *after_cr = false;
            scan.bytes += 1;
            continue;
        }
        *after_cr = byte == b'\r';
        if byte == b'\r' || byte == b'\n' {
            *breaks += 1;
            let line = *breaks;
            if scan.state == State::StartRow {
                continue;
            }
            scan.bytes += 1;
            if scan.line_bytes == 0 {
                scan.blank.push(line);
            } else {
                scan.last_filled = line;
            }
            scan.line_bytes = 0;
            let row = match scan.mode {
                Mode::Skip => Some(Row::TooLong {
                    line: scan.first,
                    bytes: scan.bytes,
                }),
                Mode::Cells if scan.state == State::Quoted => {
                    scan.mode = Mode::Span;
                    None
                }
                Mode::Cells if scan.bytes > MAX_CSV_ROW as u64 => Some(Row::TooLong {
                    line: scan.first,
                    bytes: scan.bytes,
                }),
                Mode::Cells => {
                    end_cell(scan, text, ends, max_cells);
                    Some(Row::Cells {
                        line: scan.first,
                        count: scan.count,
                    })
                }
                Mode::Span => {
                    let end = if scan.state != State::Quoted {
                        Some(SpanEnd::Closed)
                    } else if scan.bytes > MAX_CSV_CELL as u64 {
                        Some(SpanEnd::TooLong)
                    } else {
                        None
                    };
                    end.map(|end| {
                        Row::Spanning(Span {
                            first: scan.first,
                            last: line,
                            blank: std::mem::take(&mut scan.blank),
                            end,
                        })
                    })
                }
            };
            if row.is_some() {
                return (at, row);
            }
            continue;
        }
        if scan.state == State::StartRow {
            scan.state = State::StartCell;
            scan.first = *breaks + 1;
        }
        scan.bytes += 1;
        scan.line_bytes += 1;
        let keep = scan.mode == Mode::Cells;
        if keep && scan.bytes > MAX_CSV_ROW as u64 {
            scan.mode = Mode::Skip;
            text.clear();
            text.shrink_to(MAX_CSV_CELL);
            ends.clear();
        }
        // Runs are cut at the row limit, so the cells never hold more.
        let room = (MAX_CSV_ROW as u64).saturating_sub(scan.bytes);
        let room = usize::try_from(room).unwrap_or(usize::MAX);
        match scan.mode {
            Mode::Skip => {
                // To the end of the line, quotes or not.
                let run = run_until(buf, at, |b| b == b'\r' || b == b'\n');
                at += run;
                scan.bytes += run as u64;
                scan.line_bytes += run as u64;
                continue;
            }
            Mode::Cells | Mode::Span => {}
        }
        scan.state = match (scan.state, byte) {
            (State::StartCell | State::Unquoted | State::QuoteInQuoted, b',') => {
                if keep {
                    end_cell(scan, text, ends, max_cells);
                }
                State::StartCell
            }
            (State::StartCell, b'"') => State::Quoted,
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) | (State::QuoteInQuoted, b'"') => {
                if keep {
                    text.push(byte);
                    // The rest of the quoted text, up to a quote or a break.
                    at += take_run(buf, at, room, text, scan, |b| {
                        b == b'"' || b == b'\r' || b == b'\n'
                    });
                }
                State::Quoted
            }
            _ => {
                if keep {
                    text.push(byte);
                    at += take_run(buf, at, room, text, scan, |b| {
                        b == b',' || b == b'\r' || b == b'\n'
                    });
                }
                State::Unquoted
            }
        };
    }
    (at, None)
}

/// Copies the bytes of `buf` from `at` on that come before one that
/// `stop`s (at most `room`) onto the cell's text, counting them; how many.
fn take_run(
    buf: &[u8],
    at: usize,
    room: usize,
    text: &mut Vec<u8>,
    scan: &mut Scan,
    stop: impl Fn(u8) -> bool,
) -> usize {
    let run = run_until(buf, at, stop).min(room);
    extend(text, buf, at, run);
    scan.bytes += run as u64;
    scan.line_bytes += run as u64;
    run
}

/// How many bytes of `buf` from `at` on come before one that `stop`s.
fn run_until(buf: &[u8], at: usize, stop: impl Fn(u8) -> bool) -> usize {
    let rest = buf.get(at..).unwrap_or_default();
    rest.iter().position(|b| stop(*b)).unwrap_or(rest.len())
}

fn extend(text: &mut Vec<u8>, buf: &[u8], at: usize, run: usize) {
    if let Some(bytes) = buf.get(at..at + run) {
        text.extend_from_slice(bytes);
    }
}
