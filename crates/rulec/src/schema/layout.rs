//! How a record is laid out in memory: one flat array of 64-bit words,
//! decided once per schema.
//!
//! Screening a population is memory-bound: a record is read once, and
//! what it costs is the cache lines it spans. So a record holds its `bool`
//! fields as bits (a value bit and a known bit each, 64 fields to a word),
//! and every other scalar in one word of its own — a number or quantity as
//! its `f64` bits, with NaN for missing (record values are finite, so NaN
//! is free), a date, a member index or a set of up to 63 members as a bit
//! mask, with `u64::MAX` for missing. A quantity declared `with normal
//! range` takes two more words for its limits. Only text, lists and sets
//! of more than 63 members live outside the words, as [`FieldValue`]s.
//!
//! A patient of 15 numbers and 27 flags is 17 words, 136 bytes: smaller
//! than the plain Rust struct with the same fields.

use super::{Field, FieldType, Schema, Slot};

#[cfg(doc)]
use super::FieldValue;

/// Where a field's value lives in a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lane {
    /// A `bool` field: bit `bit` of the flag words (value), and the same
    /// bit of the known words.
    Flag(u32),
    /// An `integer` or `number` field: `f64` bits, NaN when missing.
    Number(u32),
    /// A quantity without a reference range: its value's `f64` bits.
    Quantity(u32),
    /// A quantity `with normal range`: the value, then the lower and upper
    /// limits, each NaN when absent.
    Ranged(u32),
    /// A date, packed by [`pack_date`].
    Date(u32),
    /// A `one of` field: the member index.
    Member(u32),
    /// A `set of` field of at most 63 members: a bit per member present.
    Mask(u32),
    /// Text, lists and larger sets: an index into the record's other values.
    Other(u32),
}

/// The word that says "missing" for dates, members and masks (a mask of
/// 63 members never has its top bit set).
pub(crate) const ABSENT: u64 = u64::MAX;

/// The `f64` bits that say "missing" for numbers and range limits.
pub(crate) const NO_NUMBER: u64 = 0x7FF8_0000_0000_0000;

/// Largest set held as a mask.
pub(crate) const MASK_MEMBERS: usize = 63;

/// A schema's record layout.
#[derive(Debug)]
pub(crate) struct Layout {
    /// Each slot's lane.
    lanes: Vec<Lane>,
    /// Words of flag values; as many words of known bits follow them.
    flag_words: u32,
    /// A record with every field missing.
    empty: Box<[u64]>,
    /// How many values live outside the words.
    others: usize,
    /// Slots by field name, for readers.
    names: std::collections::HashMap<Box<str>, Slot>,
    /// The fields, by slot: what a record checks a value against when it
    /// is set.
    fields: Box<[Field]>,
    /// The fingerprint records carry.
    pub(crate) fingerprint: u64,
}

impl Layout {
    /// The layout of `schema`'s records.
    pub(crate) fn of(schema: &Schema) -> Layout {
        let flags = schema
            .fields
            .iter()
            .filter(|f| matches!(f.ty, FieldType::Bool))
            .count();
        let flag_words = u32::try_from(flags.div_ceil(64)).unwrap_or(u32::MAX);
        let mut words: Vec<u64> = vec![0; 2 * flag_words as usize];
        let (mut flag, mut others) = (0_u32, 0_u32);
        let next = |n: usize, fill: u64, words: &mut Vec<u64>| {
            let at = u32::try_from(words.len()).unwrap_or(u32::MAX);
            words.extend(std::iter::repeat_n(fill, n));
            at
        };
        let lanes = schema
            .fields
            .iter()
            .map(|f| match &f.ty {
                FieldType::Bool => {
                    flag += 1;
                    Lane::Flag(flag - 1)
                }
                FieldType::Integer { .. } | FieldType::Number => {
                    Lane::Number(next(1, NO_NUMBER, &mut words))
                }
                FieldType::Quantity {
                    normal_range: false,
                    ..
                } => Lane::Quantity(next(1, NO_NUMBER, &mut words)),
                FieldType::Quantity {
                    normal_range: true, ..
                } => Lane::Ranged(next(3, NO_NUMBER, &mut words)),
                FieldType::Date => Lane::Date(next(1, ABSENT, &mut words)),
                FieldType::OneOf(_) | FieldType::Ordered(_) => {
                    Lane::Member(next(1, ABSENT, &mut words))
                }
                FieldType::SetOf(members) if members.len() <= MASK_MEMBERS => {
                    Lane::Mask(next(1, ABSENT, &mut words))
                }
                FieldType::SetOf(_) | FieldType::Text | FieldType::ListOf(_) => {
                    others += 1;
                    Lane::Other(others - 1)
                }
            })
            .collect();
        Layout {
            lanes,
            flag_words,
            empty: words.into_boxed_slice(),
            others: others as usize,
            names: schema
                .fields
                .iter()
                .enumerate()
                .filter_map(|(i, f)| Some((f.name.as_str().into(), Slot(u32::try_from(i).ok()?))))
                .collect(),
            fields: schema.fields.clone().into_boxed_slice(),
            fingerprint: super::record::fingerprint(schema),
        }
    }

    /// The lane of a slot.
    #[inline]
    pub(crate) fn lane(&self, slot: Slot) -> Option<Lane> {
        self.lanes.get(slot.0 as usize).copied()
    }

    /// The slot of the field called `name`.
    #[inline]
    pub(crate) fn slot_of(&self, name: &str) -> Option<Slot> {
        self.names.get(name).copied()
    }

    /// The field at `slot`.
    #[inline]
    pub(crate) fn field(&self, slot: Slot) -> Option<&Field> {
        self.fields.get(slot.0 as usize)
    }

    /// The number of slots.
    pub(crate) fn len(&self) -> usize {
        self.lanes.len()
    }

    /// Words of flag values (as many known words follow).
    #[inline]
    pub(crate) fn flag_words(&self) -> usize {
        self.flag_words as usize
    }

    /// The words of a record with every field missing.
    pub(crate) fn empty(&self) -> &[u64] {
        &self.empty
    }

    /// How many values live outside the words.
    pub(crate) fn others(&self) -> usize {
        self.others
    }
}

/// Where a number lives in a record's words (a number, a quantity's value
/// or one of its range limits): its `f64` bits, NaN when missing. Made
/// only by [`Layout`], so a reader never interprets a word by hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NumberWord(u32);

impl NumberWord {
    /// The number, NaN when missing.
    #[inline]
    pub(crate) fn read(self, words: &[u64]) -> f64 {
        f64::from_bits(words.get(self.0 as usize).copied().unwrap_or(NO_NUMBER))
    }
}

impl NumberWord {
    /// A word no record has: writing to it does nothing.
    pub(crate) const NOWHERE: NumberWord = NumberWord(u32::MAX);

    /// Writes a number already judged to fit (`None`: missing). -0.0 is
    /// stored as 0.0, so that equal records have equal words.
    #[inline]
    pub(crate) fn write(self, words: &mut [u64], value: Option<f64>) {
        if let Some(cell) = words.get_mut(self.0 as usize) {
            *cell = value.map_or(NO_NUMBER, |v| (v + 0.0).to_bits());
        }
    }
}

/// Where a `bool` field lives in a record's words, for a writer: the word
/// of its value bit, the word of its known bit, and the bit as a mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FlagBits {
    value: u32,
    known: u32,
    mask: u64,
}

impl FlagBits {
    /// Bits no record has: writing to them does nothing.
    pub(crate) const NOWHERE: FlagBits = FlagBits {
        value: u32::MAX,
        known: u32::MAX,
        mask: 0,
    };

    /// Writes the flag (`None`: missing), if `own` (else nothing): into
    /// `first`, if given, for a flag of the first word; into the record's
    /// words for any other.
    #[inline]
    pub(crate) fn write(
        self,
        words: &mut [u64],
        first: Option<&mut FirstFlags>,
        own: bool,
        value: Option<bool>,
    ) {
        if !own {
            return;
        }
        let on = if value == Some(true) { self.mask } else { 0 };
        let known = if value.is_some() { self.mask } else { 0 };
        if let Some(first) = first
            && self.value == 0
        {
            first.written |= self.mask;
            first.on = (first.on & !self.mask) | on;
            first.known = (first.known & !self.mask) | known;
            return;
        }
        for (at, set) in [(self.value, on), (self.known, known)] {
            if let Some(cell) = words.get_mut(at as usize) {
                *cell = (*cell & !self.mask) | set;
            }
        }
    }
}

/// The flags of a record's first flag word (its first 64 `bool` fields)
/// as a writer sets them, stored into the record at once when it is done
/// ([`Record::store_first_flags`](super::Record::store_first_flags)).
/// Each flag set in the record itself would read, change and write the
/// same two words as the flag before, and wait for that one's store; set
/// here, they are register operations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct FirstFlags {
    /// The bits written.
    pub(super) written: u64,
    /// Their values (only written bits are set).
    pub(super) on: u64,
    /// Which of them are known (only written bits are set).
    pub(super) known: u64,
}

/// Where a member index or a set's mask lives in a record's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CodeWord(u32);

impl CodeWord {
    /// The member index or mask, `None` when missing.
    #[inline]
    pub(crate) fn read(self, words: &[u64]) -> Option<u64> {
        let w = words.get(self.0 as usize).copied().unwrap_or(ABSENT);
        (w != ABSENT).then_some(w)
    }
}

/// The word of a `bool` field's known bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct KnownWord(u32);

impl KnownWord {
    /// The word.
    #[inline]
    pub(crate) fn read(self, words: &[u64]) -> u64 {
        words.get(self.0 as usize).copied().unwrap_or(0)
    }
}

/// A field's value as a plan reads it, by the word that holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WordOf {
    /// A number or a quantity's value.
    Number(NumberWord),
    /// A date, a member index or a set's mask.
    Code(CodeWord),
    /// A `bool`: its known word and bit.
    Flag(KnownWord, u32),
}

impl Layout {
    /// The word of a number's or a quantity's value.
    pub(crate) fn number_word(&self, slot: Slot) -> Option<NumberWord> {
        match self.lane(slot)? {
            Lane::Number(w) | Lane::Quantity(w) | Lane::Ranged(w) => Some(NumberWord(w)),
            _ => None,
        }
    }

    /// Where a `bool` field's bits are, for a writer.
    pub(crate) fn flag_bits(&self, slot: Slot) -> Option<FlagBits> {
        match self.lane(slot)? {
            Lane::Flag(bit) => Some(FlagBits {
                value: bit / 64,
                known: self.flag_words + bit / 64,
                mask: 1 << (bit % 64),
            }),
            _ => None,
        }
    }

    /// The words of a quantity's lower and upper reference limits, for a
    /// field declared `with normal range`.
    pub(crate) fn limit_words(&self, slot: Slot) -> Option<(NumberWord, NumberWord)> {
        match self.lane(slot)? {
            Lane::Ranged(w) => Some((NumberWord(w + 1), NumberWord(w + 2))),
            _ => None,
        }
    }

    /// The word of a `one of` field's member index.
    pub(crate) fn member_word(&self, slot: Slot) -> Option<CodeWord> {
        match self.lane(slot)? {
            Lane::Member(w) => Some(CodeWord(w)),
            _ => None,
        }
    }

    /// The word of a `set of` field held as a mask.
    pub(crate) fn mask_word(&self, slot: Slot) -> Option<CodeWord> {
        match self.lane(slot)? {
            Lane::Mask(w) => Some(CodeWord(w)),
            _ => None,
        }
    }

    /// Where a field's value is, when it is held in the words (not text,
    /// lists or large sets).
    pub(crate) fn word_of(&self, slot: Slot) -> Option<WordOf> {
        Some(match self.lane(slot)? {
            Lane::Number(w) | Lane::Quantity(w) | Lane::Ranged(w) => WordOf::Number(NumberWord(w)),
            Lane::Date(w) | Lane::Member(w) | Lane::Mask(w) => WordOf::Code(CodeWord(w)),
            Lane::Flag(bit) => WordOf::Flag(KnownWord(self.flag_words + bit / 64), bit % 64),
            Lane::Other(_) => return None,
        })
    }

    /// The mask records hold for these members of a `set of` or `one of`
    /// field, when every one fits (below [`MASK_MEMBERS`]: the top bit
    /// marks a missing set).
    pub(crate) fn member_mask(members: &[u32]) -> Option<u64> {
        members.iter().try_fold(0_u64, |mask, m| {
            ((*m as usize) < MASK_MEMBERS).then(|| mask | 1 << m)
        })
    }
}

/// A date as one word that orders as the date does: year (offset to be
/// positive), month, day.
pub(crate) fn pack_date(date: jiff::civil::Date) -> u64 {
    let year = u64::try_from(i32::from(date.year()) + 10_000).unwrap_or(0);
    let month = u64::try_from(date.month()).unwrap_or(0);
    let day = u64::try_from(date.day()).unwrap_or(0);
    (year << 16) | (month << 8) | day
}

/// The date [`pack_date`] packed (`None` for [`ABSENT`]).
pub(crate) fn unpack_date(word: u64) -> Option<jiff::civil::Date> {
    if word == ABSENT {
        return None;
    }
    let year = i16::try_from(i64::try_from(word >> 16).ok()? - 10_000).ok()?;
    let month = i8::try_from((word >> 8) & 0xFF).ok()?;
    let day = i8::try_from(word & 0xFF).ok()?;
    jiff::civil::Date::new(year, month, day).ok()
}
