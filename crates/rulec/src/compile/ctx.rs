//! What a compiled closure sees while it runs: the record, the index date,
//! the list elements a `where` clause is looking at, and the defines
//! computed so far for this record.
//!
//! Nothing here allocates: the element stack is a chain of frames on the
//! call stack, the define cache is a slice of [`Cell`]s the caller owns,
//! and the missing-field tracker is only present in the explaining pass.

use std::cell::Cell;

use jiff::civil::Date;

use crate::schema::Slot;
use crate::schema::{Members, Record};
use crate::semantics::Truth;

/// A condition, compiled.
pub(super) type CondFn = Box<dyn Fn(&Ctx<'_>) -> Truth + Send + Sync>;
/// A number, compiled: `None` when it is unknown for the record.
pub(super) type NumFn = Box<dyn Fn(&Ctx<'_>) -> Option<f64> + Send + Sync>;
/// A date, compiled: `None` when it is unknown for the record.
/// Dates are points in time (a date is its midnight), as in the reference.
pub(super) type DateFn = Box<dyn Fn(&Ctx<'_>) -> Option<jiff::civil::DateTime> + Send + Sync>;

/// A define, compiled to the closure of its type.
pub(super) enum DefineCode {
    /// A condition.
    Cond(CondFn),
    /// A number, in the define's own unit.
    Num(NumFn),
    /// A date.
    Date(DateFn),
}

/// A define's value for the record being evaluated. `Copy`, so the cache
/// is a slice of plain [`Cell`]s, without `RefCell` or clones.
#[derive(Clone, Copy, Debug)]
pub(super) enum Cached {
    /// Not computed yet for this record.
    Pending,
    /// A condition's truth.
    Truth(Truth),
    /// A number.
    Num(Option<f64>),
    /// A date.
    Date(Option<jiff::civil::DateTime>),
}

/// One list element in view of a `where` clause, and the one around it.
pub(super) struct Frame<'a> {
    /// The element.
    pub(super) element: &'a Record,
    /// The enclosing element, for nested lists.
    pub(super) parent: Option<&'a Frame<'a>>,
    /// The record's list field the outermost element belongs to: what a
    /// missing element field is reported as.
    pub(super) root: Option<Slot>,
}

/// The evaluation context of one record.
#[derive(Clone, Copy)]
pub(super) struct Ctx<'a> {
    /// The record.
    pub(super) record: &'a Record,
    /// The screening date.
    pub(super) index: Date,
    /// The innermost list element in view, if any.
    pub(super) frame: Option<&'a Frame<'a>>,
    /// The defines' closures, by [`crate::check::DefineId`].
    pub(super) code: &'a [DefineCode],
    /// The defines' values for this record, by the same index.
    pub(super) cache: &'a [Cell<Cached>],
    /// In the explaining pass only: record fields read while missing, by
    /// slot. Its presence also turns off the short cuts the reference
    /// evaluator does not take (see [`Ctx::eager`]).
    pub(super) missing: Option<&'a [Cell<bool>]>,
}

impl<'a> Ctx<'a> {
    /// The context of a record with no list element in view.
    #[inline]
    pub(super) fn top(
        record: &'a Record,
        index: Date,
        code: &'a [DefineCode],
        cache: &'a [Cell<Cached>],
        missing: Option<&'a [Cell<bool>]>,
    ) -> Ctx<'a> {
        Ctx {
            record,
            index,
            frame: None,
            code,
            cache,
            missing,
        }
    }

    /// Whether every operand must be evaluated, as the reference evaluator
    /// does: true in the explaining pass, where the fields read while
    /// missing are what it reports (and the order defines are first
    /// computed in decides which criterion they are reported for).
    #[inline]
    pub(super) fn eager(&self) -> bool {
        self.missing.is_some()
    }

    /// Notes a record field read while missing (explaining pass only).
    #[inline]
    pub(super) fn note_missing(&self, slot: Slot) {
        if let Some(cell) = self.missing.and_then(|m| m.get(slot.0 as usize)) {
            cell.set(true);
        }
    }

    /// The list element `depth` levels out (1 is the innermost).
    #[inline]
    pub(super) fn element(&self, depth: u32) -> Option<&'a Record> {
        let mut frame = self.frame?;
        for _ in 1..depth {
            frame = frame.parent?;
        }
        Some(frame.element)
    }

    /// The context with `frame` as the innermost element in view.
    #[inline]
    pub(super) fn with_frame<'b>(&self, frame: &'b Frame<'b>) -> Ctx<'b>
    where
        'a: 'b,
    {
        Ctx {
            record: self.record,
            index: self.index,
            frame: Some(frame),
            code: self.code,
            cache: self.cache,
            missing: self.missing,
        }
    }

    /// A define's value, computed on first use and then cached for the
    /// record. Defines are checked in the record's scope, so no list
    /// element is in view while one is computed.
    pub(super) fn define(&self, id: usize) -> Cached {
        let Some(cell) = self.cache.get(id) else {
            return Cached::Pending;
        };
        let cached = cell.get();
        if !matches!(cached, Cached::Pending) {
            return cached;
        }
        let Some(code) = self.code.get(id) else {
            return Cached::Pending;
        };
        let scope = Ctx {
            frame: None,
            ..*self
        };
        let value = match code {
            DefineCode::Cond(f) => Cached::Truth(f(&scope)),
            DefineCode::Num(f) => Cached::Num(f(&scope)),
            DefineCode::Date(f) => Cached::Date(f(&scope)),
        };
        cell.set(value);
        value
    }
}

/// How a closure reaches its field: the record's slot, or a slot of a list
/// element. Chosen once per field reference at compile time, so the closures
/// that read fields are monomorphised for each.
///
/// Every read of a value that is not there notes the field as missing
/// (which matters in the explaining pass only).
pub(super) trait Access: Copy + Send + Sync + 'static {
    /// The record that holds the field, if it is in view.
    fn holder<'a>(self, ctx: &Ctx<'a>) -> Option<&'a Record>;

    /// The field's slot in its holder.
    fn slot(self) -> Slot;

    /// Notes the field as read while missing.
    fn note_missing(self, ctx: &Ctx<'_>);

    /// Notes the field as deciding though present, when part of it that
    /// would decide is absent (its reference range). Record fields only.
    #[inline]
    fn note_undecided(self, _ctx: &Ctx<'_>) {}

    /// The record's own slot, for a field of the record.
    #[inline]
    fn root(self) -> Option<Slot> {
        None
    }

    /// Reads the field with `read`, noting it as missing when it has no
    /// value.
    #[inline]
    fn read<'a, T>(
        self,
        ctx: &Ctx<'a>,
        read: impl FnOnce(&'a Record, Slot) -> Option<T>,
    ) -> Option<T> {
        let holder = self.holder(ctx)?;
        let value = read(holder, self.slot());
        if value.is_none() {
            self.note_missing(ctx);
        }
        value
    }

    /// A `bool` field.
    #[inline]
    fn flag(self, ctx: &Ctx<'_>) -> Option<bool> {
        self.read(ctx, Record::flag)
    }

    /// A number or a quantity's value.
    #[inline]
    fn number(self, ctx: &Ctx<'_>) -> Option<f64> {
        self.read(ctx, Record::number)
    }

    /// A quantity's value and reference range.
    #[inline]
    fn quantity(self, ctx: &Ctx<'_>) -> Option<(f64, Option<f64>, Option<f64>)> {
        self.read(ctx, Record::quantity)
    }

    /// A date.
    #[inline]
    fn date(self, ctx: &Ctx<'_>) -> Option<Date> {
        self.read(ctx, Record::date)
    }

    /// A member index.
    #[inline]
    fn member(self, ctx: &Ctx<'_>) -> Option<u32> {
        self.read(ctx, Record::member)
    }

    /// A set's members.
    #[inline]
    fn members<'a>(self, ctx: &Ctx<'a>) -> Option<Members<'a>> {
        self.read(ctx, Record::members)
    }

    /// A text.
    #[inline]
    fn text<'a>(self, ctx: &Ctx<'a>) -> Option<&'a str> {
        self.read(ctx, Record::text)
    }

    /// A list's elements.
    #[inline]
    fn list<'a>(self, ctx: &Ctx<'a>) -> Option<&'a [Record]> {
        self.read(ctx, Record::list)
    }

    /// Whether the field has a value.
    #[inline]
    fn known(self, ctx: &Ctx<'_>) -> bool {
        self.read(ctx, |r, s| r.is_known(s).then_some(())).is_some()
    }
}

/// A field of the record itself (`depth` 0): the only fields the missing
/// list names.
#[derive(Clone, Copy)]
pub(super) struct Top(pub(super) Slot);

impl Access for Top {
    #[inline]
    fn holder<'a>(self, ctx: &Ctx<'a>) -> Option<&'a Record> {
        Some(ctx.record)
    }

    #[inline]
    fn slot(self) -> Slot {
        self.0
    }

    #[inline]
    fn note_missing(self, ctx: &Ctx<'_>) {
        ctx.note_missing(self.0);
    }

    #[inline]
    fn note_undecided(self, ctx: &Ctx<'_>) {
        ctx.note_missing(self.0);
    }

    #[inline]
    fn root(self) -> Option<Slot> {
        Some(self.0)
    }
}

/// A field of the list element `depth` levels out.
#[derive(Clone, Copy)]
pub(super) struct Element {
    /// 1 for the innermost element.
    pub(super) depth: u32,
    /// The slot in the element's schema.
    pub(super) slot: Slot,
}

impl Access for Element {
    #[inline]
    fn holder<'a>(self, ctx: &Ctx<'a>) -> Option<&'a Record> {
        ctx.element(self.depth)
    }

    #[inline]
    fn slot(self) -> Slot {
        self.slot
    }

    #[inline]
    fn note_missing(self, ctx: &Ctx<'_>) {
        // A missing field of an element is asked for as its list.
        if let Some(root) = ctx.frame.and_then(|f| f.root) {
            ctx.note_missing(root);
        }
    }
}

/// Builds `$body` with `$a` bound to the [`Access`] of a field reference:
/// [`Top`] for the record, [`Element`] for a list element.
macro_rules! with_access {
    ($field:expr, $a:ident => $body:expr) => {{
        let field: $crate::check::FieldRef = $field;
        if field.depth == 0 {
            let $a = $crate::compile::ctx::Top(field.slot);
            $body
        } else {
            let $a = $crate::compile::ctx::Element {
                depth: field.depth,
                slot: field.slot,
            };
            $body
        }
    }};
}
pub(super) use with_access;
