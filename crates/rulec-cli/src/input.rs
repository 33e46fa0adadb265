//! Patient records streamed from a file or stdin, in chunks.
//!
//! A reader thread turns the input into chunks of [`Item`]s and hands them
//! over a bounded channel, so reading overlaps evaluation and memory stays
//! flat whatever the input's size. Items are not yet records: turning a
//! JSON line or array element into a record is left to the evaluating
//! threads, where it runs in parallel.

mod array;
mod fhir;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;

use clap::ValueEnum;
use rulec::check::Program;
use rulec::records::{DataError, ReadRecord, RecordName, WHOLE_RECORD};

/// Records per chunk: enough to keep every thread busy, few enough that a
/// chunk in flight costs little memory.
pub const CHUNK: usize = 1024;

/// Bytes of input per chunk, at most (a chunk is sent early when its lines
/// are long), so that the memory in flight stays bounded.
const CHUNK_BYTES: usize = 16 << 20;

/// The longest line of JSON Lines read as a record; a longer one is a
/// record that cannot be read (and is skipped without being held).
pub const MAX_LINE: usize = 64 << 20;

/// How the records are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// JSON Lines: one JSON object per line.
    Jsonl,
    /// A JSON array of objects.
    Json,
    /// CSV with a header row of field names.
    Csv,
    /// FHIR R4: a Bundle, a folder of Bundles, or Bulk Data NDJSON (a
    /// folder of `.ndjson` files or one), read by the rules' `fhir`
    /// bindings.
    Fhir,
}

impl InputFormat {
    /// The format a file's extension names: `.json` and `.csv`; anything
    /// else (`.jsonl`, `.ndjson`, stdin) is JSON Lines.
    pub fn of(path: &Path) -> InputFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => InputFormat::Json,
            Some(e) if e.eq_ignore_ascii_case("csv") => InputFormat::Csv,
            _ => InputFormat::Jsonl,
        }
    }

    /// How a record's position reads in messages: `line 7`, `element 7`,
    /// `row 7` (CSV data rows, the header not counted).
    pub fn position_word(self) -> &'static str {
        match self {
            InputFormat::Jsonl => "line",
            InputFormat::Json => "element",
            InputFormat::Csv => "row",
            InputFormat::Fhir => "patient",
        }
    }
}

/// How an input's records are written: as given or guessed, and as found
/// once reading starts — a JSON array where JSON Lines was only guessed.
#[derive(Debug, Clone)]
pub struct Format {
    given: InputFormat,
    /// Whether `given` was guessed (from the extension, or stdin).
    guessed: bool,
    /// Set by the reader, before it sends a record, when the input turns
    /// out to be a JSON array.
    found_array: Arc<AtomicBool>,
}

impl Format {
    /// The format the records are read in.
    pub fn get(&self) -> InputFormat {
        if self.found_array.load(Ordering::Acquire) {
            InputFormat::Json
        } else {
            self.given
        }
    }

    /// How a record's position reads in messages (`line 7`, `element 7`).
    pub fn position_word(&self) -> &'static str {
        self.get().position_word()
    }
}

/// Where the records come from: a file, or stdin for `-`.
#[derive(Debug, Clone)]
pub struct Input {
    /// The path as given; `-` is stdin.
    pub path: PathBuf,
    /// How the records are written.
    pub format: Format,
}

impl Input {
    /// The input at `path` (`-` for stdin) in `format`, or else in the
    /// format its extension names.
    pub fn new(path: PathBuf, format: Option<InputFormat>) -> Input {
        // FHIR is told by what the files hold, not by an extension alone:
        // a `.json` Bundle, a folder, NDJSON lines with a `resourceType`.
        let fhir = || {
            (path.as_os_str() != "-" && rulec::fhir::detect(&path).is_some())
                .then_some(InputFormat::Fhir)
        };
        let format = Format {
            given: format
                .or_else(fhir)
                .unwrap_or_else(|| InputFormat::of(&path)),
            guessed: format.is_none(),
            found_array: Arc::new(AtomicBool::new(false)),
        };
        Input { path, format }
    }

    /// The input's name in messages.
    pub fn name(&self) -> String {
        if self.is_stdin() {
            "stdin".to_owned()
        } else {
            self.path.display().to_string()
        }
    }

    fn is_stdin(&self) -> bool {
        self.path.as_os_str() == "-"
    }

    /// The input's size in bytes, when it is a file.
    pub fn len(&self) -> Option<u64> {
        if self.is_stdin() {
            return None;
        }
        std::fs::metadata(&self.path).ok().map(|m| m.len())
    }

    /// Opens the input for reading.
    pub fn open(&self) -> std::io::Result<Box<dyn Read + Send>> {
        if self.is_stdin() {
            Ok(Box::new(std::io::stdin()))
        } else {
            Ok(Box::new(File::open(&self.path)?))
        }
    }
}

/// One record of the input, as far as the reader thread takes it.
#[derive(Debug)]
pub enum Item {
    /// A line of JSON Lines, not yet parsed.
    Line {
        /// Its line number, from 1.
        position: usize,
        /// The line, without its line break.
        text: String,
        /// Whether the input ended in this line without a line break: if
        /// it does not parse, the input was probably cut short.
        last_unterminated: bool,
    },
    /// An element of a JSON array, not yet parsed.
    Element {
        /// Its index in the array, from 1.
        position: usize,
        /// Its text, from its first non-blank character.
        text: String,
        /// The line of the input it starts on, from 1: where it is, for a
        /// message about its text, whose lines count from the element.
        line: usize,
    },
    /// A record already read (CSV rows are read on the reader thread).
    Read(ReadRecord),
    /// One patient's FHIR resources, not yet read into a record.
    Fhir(Box<rulec::fhir::PatientResources>),
    /// A record that cannot be read at all.
    Unreadable {
        /// Its position.
        position: usize,
        /// Why, in words.
        reason: String,
    },
}

impl Item {
    /// The record this item holds, read against `program` for screening
    /// at `index` (a date of birth after it is a data error).
    pub fn read(self, program: &Program, index: jiff::civil::Date) -> ReadRecord {
        let mut read = self.read_only(program, index);
        read.check_index_date(program, index);
        read
    }

    fn read_only(self, program: &Program, index: jiff::civil::Date) -> ReadRecord {
        match self {
            Item::Line {
                position,
                text,
                last_unterminated,
            } => {
                let mut read = rulec::records::from_json_str(program, &text, position);
                if last_unterminated {
                    for error in &mut read.errors {
                        if error.field == WHOLE_RECORD {
                            error.reason.push_str(
                                " (the input ends inside this line without a line break: \
                                 was it cut short?)",
                            );
                        }
                    }
                }
                read
            }
            Item::Element {
                position,
                text,
                line,
            } => {
                let mut read = rulec::records::from_json_str(program, &text, position);
                for error in &mut read.errors {
                    if error.field == WHOLE_RECORD {
                        error
                            .reason
                            .push_str(&format!(" (the element starts at line {line})"));
                    }
                }
                read
            }
            Item::Read(read) => read,
            Item::Fhir(group) => rulec::fhir::read_patient(program, &group, index),
            Item::Unreadable { position, reason } => ReadRecord {
                id: None,
                position,
                record: rulec::schema::Record::new(&program.schema),
                errors: vec![DataError {
                    record: RecordName::Position(position),
                    field: WHOLE_RECORD.to_owned(),
                    reason,
                }],
                sources: Vec::new(),
            },
        }
    }
}

/// What the reader thread sends: a chunk of items, or the reason the input
/// could not be read any further (after the items read before it).
pub type Chunk = Result<Vec<Item>, String>;

/// Reads `input` and sends its items in chunks of [`CHUNK`] until the end
/// or until the receiver hangs up; `progress` is told how many bytes were
/// read. An input that cannot be read further ends with an `Err` chunk.
pub fn read(
    input: &Input,
    program: &Program,
    sender: &SyncSender<Chunk>,
    progress: &(dyn Fn(u64) + Sync),
) {
    if input.format.given == InputFormat::Fhir {
        let mut chunks = Chunker {
            sender,
            items: Vec::with_capacity(CHUNK),
            bytes: 0,
        };
        let result = fhir::read_fhir(&input.path, &mut chunks);
        chunks.flush();
        if let Err(reason) = result {
            let _ = sender.send(Err(reason));
        }
        return;
    }
    let result = input.open().map_err(|e| e.to_string()).and_then(|reader| {
        let reader = Counting {
            inner: reader,
            progress,
        };
        let reader = BufReader::with_capacity(1 << 16, text_start(reader)?);
        let mut chunks = Chunker {
            sender,
            items: Vec::with_capacity(CHUNK),
            bytes: 0,
        };
        let format = &input.format;
        let read = match format.given {
            InputFormat::Jsonl => read_lines(reader, &mut chunks, format),
            InputFormat::Json => array::read(reader, &mut chunks),
            InputFormat::Csv => read_csv(reader, program, &mut chunks),
            InputFormat::Fhir => Ok(()),
        };
        // The records read before a failure still get their verdicts.
        chunks.flush();
        read
    });
    if let Err(reason) = result {
        let _ = sender.send(Err(reason));
    }
}

/// Reads `input` on a thread of its own and hands its chunks of items to
/// `each`, in input order, on this one, until the end or until `each`
/// returns false. A failure to read further is said on stderr; the result
/// is whether the whole input was read (or `each` stopped first).
pub fn each_chunk(
    input: &Input,
    program: &Program,
    mut each: impl FnMut(Vec<Item>) -> bool,
) -> bool {
    let (sender, receiver) = std::sync::mpsc::sync_channel(2);
    let mut whole = true;
    std::thread::scope(|scope| {
        scope.spawn(move || read(input, program, &sender, &|_| {}));
        for chunk in receiver {
            match chunk {
                Ok(items) => {
                    if !each(items) {
                        // Dropping the receiver stops the reader.
                        return;
                    }
                }
                Err(reason) => {
                    crate::check::eprintln_quiet(&crate::render::printable(&format!(
                        "error: cannot read `{}`: {reason}",
                        input.name()
                    )));
                    whole = false;
                }
            }
        }
    });
    whole
}

/// Counts the bytes read for the progress bar.
struct Counting<'a, R> {
    inner: R,
    progress: &'a (dyn Fn(u64) + Sync),
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.progress)(n as u64);
        Ok(n)
    }
}

/// Gathers items into chunks and sends each when full.
struct Chunker<'a> {
    sender: &'a SyncSender<Chunk>,
    items: Vec<Item>,
    /// Bytes of input the items hold (as far as known).
    bytes: usize,
}

impl Chunker<'_> {
    /// Adds an item of `bytes` bytes of input; `false` once the receiver
    /// has hung up.
    fn push(&mut self, item: Item, bytes: usize) -> bool {
        self.items.push(item);
        self.bytes += bytes;
        if self.items.len() >= CHUNK || self.bytes >= CHUNK_BYTES {
            return self.flush();
        }
        true
    }

    fn flush(&mut self) -> bool {
        if self.items.is_empty() {
            return true;
        }
        self.bytes = 0;
        let items = std::mem::replace(&mut self.items, Vec::with_capacity(CHUNK));
        self.sender.send(Ok(items)).is_ok()
    }
}

/// Reads the first bytes of an input, which say how its text is encoded:
/// UTF-16 (or UTF-32) is refused, as it would be read as junk records; a
/// UTF-8 byte order mark is skipped, as in rule files.
fn text_start(mut reader: impl Read) -> Result<impl Read, String> {
    let mut head = [0; 4];
    let mut len = 0;
    while let Some(rest) = head.get_mut(len..).filter(|rest| !rest.is_empty()) {
        match reader.read(rest) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    let head = head.get(..len).unwrap_or_default();
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(
            "the input is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8"
                .to_owned(),
        );
    }
    // A NUL has no place in JSON or CSV text, but ASCII in UTF-16 has one
    // in every character.
    if head.contains(&0) {
        return Err(
            "the input is UTF-16 or another encoding than UTF-8 (it has NUL bytes at its start); \
             save it as UTF-8"
                .to_owned(),
        );
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    Ok(std::io::Cursor::new(text.to_vec()).chain(reader))
}

/// JSON Lines: every non-blank line is a record, named by its line number.
/// A line that is not UTF-8 is a record that cannot be read, not the end
/// of the input. When JSON Lines was only guessed (`format`) and the input
/// starts with `[`, it is read as the JSON array it is.
fn read_lines(
    mut reader: impl BufRead,
    chunks: &mut Chunker<'_>,
    format: &Format,
) -> Result<(), String> {
    let mut line = Vec::new();
    let mut position = 0;
    let failed = |position, e: std::io::Error| format!("{e} after line {position}");
    let first = skip_blank_lines(&mut reader, &mut position).map_err(|e| failed(position, e))?;
    if first == Some(b'[') && format.guessed {
        format.found_array.store(true, Ordering::Release);
        return array::read(reader, chunks);
    }
    loop {
        line.clear();
        let limit = MAX_LINE as u64 + 1;
        let n = (&mut reader)
            .take(limit)
            .read_until(b'\n', &mut line)
            .map_err(|e| failed(position, e))?;
        if n == 0 {
            return Ok(());
        }
        position += 1;
        if line.len() > MAX_LINE && line.last() != Some(&b'\n') {
            // Skip to the end of the line without holding it.
            let mut rest = 0;
            loop {
                let buf = reader.fill_buf().map_err(|e| failed(position, e))?;
                if buf.is_empty() {
                    break;
                }
                match buf.iter().position(|b| *b == b'\n') {
                    Some(at) => {
                        reader.consume(at + 1);
                        break;
                    }
                    None => {
                        let len = buf.len();
                        rest += len;
                        reader.consume(len);
                    }
                }
            }
            let item = Item::Unreadable {
                position,
                reason: format!(
                    "the line is longer than {} MiB ({} bytes or more), the most a record may be",
                    MAX_LINE >> 20,
                    line.len() + rest
                ),
            };
            if !chunks.push(item, 0) {
                return Ok(());
            }
            continue;
        }
        let last_unterminated = line.last() != Some(&b'\n');
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let item = match std::str::from_utf8(text) {
            Ok(text) => Item::Line {
                position,
                text: text.to_owned(),
                last_unterminated,
            },
            Err(e) => Item::Unreadable {
                position,
                reason: format!(
                    "not valid UTF-8 at byte {} of the line",
                    e.valid_up_to() + 1
                ),
            },
        };
        if !chunks.push(item, n) {
            return Ok(());
        }
    }
}

/// Skips the blank lines and spaces at the start of the input, counting
/// the lines; gives the first byte after them, not consumed.
fn skip_blank_lines(reader: &mut impl BufRead, lines: &mut usize) -> std::io::Result<Option<u8>> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(None);
        }
        let blank = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        *lines += buf
            .get(..blank)
            .unwrap_or_default()
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        let next = buf.get(blank).copied();
        reader.consume(blank);
        if next.is_some() {
            return Ok(next);
        }
    }
}

/// CSV: rows are read into records here, as the reader needs the program.
///
/// A chunk is weighed by the input its records were read from and by
/// their data errors, which can outweigh it many times (a one-byte cell in
/// an unknown column is a message of a hundred): 1024 records of a wide
/// file would otherwise hold gigabytes in flight.
fn read_csv(reader: impl Read, program: &Program, chunks: &mut Chunker<'_>) -> Result<(), String> {
    let mut records = rulec::records::from_csv(program, reader).map_err(|e| e.to_string())?;
    let mut read_before = 0;
    while let Some(read) = records.next() {
        let read_now = records.bytes_read();
        let input = usize::try_from(read_now.saturating_sub(read_before)).unwrap_or(usize::MAX);
        read_before = read_now;
        let errors: usize = read
            .errors
            .iter()
            .map(|e| {
                let name = match &e.record {
                    RecordName::Id(id) => id.len(),
                    RecordName::Position(_) => 0,
                };
                std::mem::size_of::<DataError>() + e.field.len() + e.reason.len() + name
            })
            .sum();
        if !chunks.push(Item::Read(read), input.saturating_add(errors)) {
            break;
        }
    }
    Ok(())
}
