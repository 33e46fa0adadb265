//! The checked program: fields resolved to slots, every expression typed,
//! constants converted into the unit they are compared in.
//!
//! The forms here cannot represent an ill-typed expression: a condition,
//! a number in a known unit and a date are different types, and each
//! comparison names the kind of values it compares.

use crate::schema::{Schema, Slot};
use crate::syntax::{CompareOp, Direction, GroupKind, Limit, Section, Span};
use crate::units::{Conversion, Unit};

/// A checked rule file, ready to be compiled.
#[derive(Clone, Debug)]
pub struct Program {
    /// The trial's registry id and title, if the file names them.
    pub trial: Option<(String, Option<String>)>,
    /// The record fields, each at its slot.
    pub schema: Schema,
    /// Named expressions, each checked once, in an order where every define
    /// comes after those it uses.
    pub defines: Vec<Define>,
    /// Inclusion and exclusion criteria in source order, those of cohorts
    /// included.
    pub criteria: Vec<Criterion>,
    /// The trial's cohorts (`cohort name { … }`) in source order; empty
    /// for a file without, whose patients get one status.
    pub cohorts: Vec<Cohort>,
    /// How the constants compared or computed with were written: a
    /// [`Num::Const`] keeps only the number converted into the unit it is
    /// used in, and explanations show the rule's own unit too.
    pub written: Vec<Written>,
    /// The files imported with `use`, as written there, in file order: a
    /// caller that writes files must not overwrite one of them.
    pub imports: Vec<String>,
    /// Where each field is taken from in FHIR R4 data (`fhir { … }`), if
    /// the file says.
    pub bindings: Option<super::bindings::Bindings>,
    /// The patients the file writes out with the verdict each must get
    /// (`example "…" { … } expect …`), in file order.
    pub examples: Vec<super::Example>,
}

/// A constant as the rule wrote it, and the number it became.
#[derive(Clone, Debug)]
pub struct Written {
    /// The number in the [`Num::Const`].
    pub value: f64,
    /// The unit that number is in (`None` for a bare number).
    pub unit: Option<Unit>,
    /// The number and unit as written.
    pub written: (f64, Option<Unit>),
}

/// A define, checked.
#[derive(Clone, Debug)]
pub struct Define {
    /// The name.
    pub name: String,
    /// The unit its values are shown in (`define bmi in kg/m2: …`).
    pub unit: Option<Unit>,
    /// The value.
    pub value: Value,
    /// Where it was written.
    pub span: Span,
}

/// The index of a define in [`Program::defines`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DefineId(pub u32);

/// A cohort of the trial (a part, stage, arm or randomisation): the
/// criteria outside every cohort and its own decide a patient's status
/// for it.
#[derive(Clone, Debug)]
pub struct Cohort {
    /// Its name.
    pub name: String,
    /// Its protocol wording.
    pub label: Option<String>,
    /// Where it was written.
    pub span: Span,
}

/// A criterion, checked.
#[derive(Clone, Debug)]
pub struct Criterion {
    /// Its id.
    pub id: String,
    /// Its protocol wording.
    pub label: Option<String>,
    /// Inclusion or exclusion.
    pub section: Section,
    /// The cohort it is written in, by its index in [`Program::cohorts`];
    /// `None` for a criterion of every cohort (and of a file without
    /// cohorts).
    pub cohort: Option<usize>,
    /// The condition.
    pub condition: Cond,
    /// Where it was written.
    pub span: Span,
}

/// A typed value: what a define stands for.
#[derive(Clone, Debug)]
pub enum Value {
    /// A condition.
    Cond(Cond),
    /// A number in a unit (`None` for a bare number).
    Num(Num, Option<Unit>),
    /// A date.
    Date(DateVal),
}

impl Value {
    /// The type in words, as the checker inferred it: `condition`,
    /// `number in `a` (time)`, `number`, `date`.
    #[must_use]
    pub fn type_name(&self) -> String {
        match self {
            Value::Cond(_) => "condition".to_owned(),
            Value::Num(_, Some(unit)) => format!("number in `{unit}` ({})", unit.kind()),
            Value::Num(_, None) => "number".to_owned(),
            Value::Date(_) => "date".to_owned(),
        }
    }
}

/// A field of the record, or of the list element a `where` clause is
/// looking at (`depth` 1 is the innermost element).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldRef {
    /// 0 for the record, n for the n-th enclosing list element, counted
    /// from the innermost.
    pub depth: u32,
    /// The slot in that schema.
    pub slot: Slot,
}

/// A condition: met, not met, or unknown.
#[derive(Clone, Debug)]
pub enum Cond {
    /// `true` or `false`.
    Literal(bool),
    /// A `bool` field.
    Field(FieldRef),
    /// A define that is a condition.
    Define(DefineId),
    /// `not c`
    Not(Box<Cond>),
    /// `a and b`
    And(Box<Cond>, Box<Cond>),
    /// `a or b`
    Or(Box<Cond>, Box<Cond>),
    /// Two numbers in the same unit.
    CompareNum {
        /// The operator.
        op: CompareOp,
        /// Left.
        lhs: Num,
        /// Right, in the unit of the left.
        rhs: Num,
    },
    /// Two dates.
    CompareDate {
        /// The operator.
        op: CompareOp,
        /// Left.
        lhs: DateVal,
        /// Right.
        rhs: DateVal,
    },
    /// Two conditions compared (`a = b` on `bool`s).
    CompareBool {
        /// `=` (true) or `!=` (false).
        equal: bool,
        /// Left.
        lhs: Box<Cond>,
        /// Right.
        rhs: Box<Cond>,
    },
    /// A `one of` field is one of these members (indices into the
    /// declaration): `= m`, `!= m` (negated), `in { … }`.
    EnumIn {
        /// The field.
        field: FieldRef,
        /// The members accepted.
        members: Vec<u32>,
        /// Whether the test is negated (`!=`).
        negated: bool,
    },
    /// A `set of` field has members: `has m`, `has any of`, `has all of`.
    SetHas {
        /// The field.
        field: FieldRef,
        /// The members named.
        members: Vec<u32>,
        /// `has all of` (true) or any (false).
        all: bool,
    },
    /// A `text` field equals a string.
    TextEq {
        /// The field.
        field: FieldRef,
        /// The string.
        text: String,
        /// Whether the test is negated (`!=`).
        negated: bool,
    },
    /// `x is known`, `x is missing`.
    Known {
        /// The field.
        field: FieldRef,
        /// `true` for `is known`.
        known: bool,
    },
    /// `d within w before|after anchor`, both ends included.
    Within {
        /// The date tested.
        date: DateVal,
        /// The window length.
        window: Duration,
        /// Before or after the anchor.
        direction: Direction,
        /// The anchor.
        anchor: DateVal,
    },
    /// `any of (…)`, `all of (…)`, `none of (…)`, `at least N of (…)`.
    Group {
        /// Which group.
        kind: GroupKind,
        /// The conditions.
        items: Vec<Cond>,
    },
    /// `first known of (…)` or `if … then … else …` over conditions.
    Choose(Box<Choice<Cond>>),
    /// `any L where c`, `all …`, `no …`; the condition sees the element
    /// at depth 1.
    ListQuery {
        /// `any`, `all` or `no`.
        quantifier: ListQuantifier,
        /// The list field.
        list: FieldRef,
        /// The condition on each element.
        condition: Box<Cond>,
    },
}

impl Cond {
    /// The operands of the run of one operator at the top of `self`
    /// (`and` if `and`, else `or`), left to right: `a and (b and c)` and
    /// `(a and b) and c` both give `a, b, c`. Anything else is one operand.
    pub(crate) fn operands<'c>(&'c self, and: bool, parts: &mut Vec<&'c Cond>) {
        match self {
            Cond::And(a, b) if and => {
                a.operands(and, parts);
                b.operands(and, parts);
            }
            Cond::Or(a, b) if !and => {
                a.operands(and, parts);
                b.operands(and, parts);
            }
            other => parts.push(other),
        }
    }
}

/// A clinical formula applied: its value is [`FormulaCall::body`], the
/// formula written out over the arguments (each converted into its
/// parameter's unit), which every evaluator computes; the arguments are
/// kept for explanations.
#[derive(Clone, Debug)]
pub struct FormulaCall {
    /// The formula, by its index in rulec's list.
    pub formula: u16,
    /// The arguments, as converted for the formula.
    pub args: Vec<FormulaArg>,
    /// The formula's value, in its unit.
    pub body: Num,
}

/// An argument of a clinical formula.
#[derive(Clone, Debug)]
pub enum FormulaArg {
    /// A number, in the parameter's unit.
    Num(Num),
    /// A condition.
    Cond(Cond),
}

/// A function of a list's elements' values (a number or a date);
/// [`crate::semantics::Aggregate`] says what it gives. `value`, `at` and
/// `condition` see the element at depth 1.
#[derive(Clone, Debug)]
pub struct OverList<T> {
    /// Which function.
    pub kind: crate::semantics::Aggregate,
    /// The list field.
    pub list: FieldRef,
    /// Each element's value.
    pub value: T,
    /// Each element's date, for `latest` and `earliest`.
    pub at: Option<DateVal>,
    /// The condition an element must meet to count, if any.
    pub condition: Option<Cond>,
}

/// A value chosen among values of one type (conditions, numbers in one
/// unit, dates); [`crate::semantics::choose`] says which.
#[derive(Clone, Debug)]
pub enum Choice<T> {
    /// `first known of (a, b, …)`: the first that is known.
    FirstKnown(Vec<T>),
    /// `if c then a else b`.
    If {
        /// The condition.
        cond: Cond,
        /// Where it holds.
        then: T,
        /// Where it does not.
        otherwise: T,
    },
}

/// Quantifiers over a list that give a condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListQuantifier {
    /// Some element meets the condition.
    Any,
    /// Every element does.
    All,
    /// No element does.
    No,
}

/// A number, in a unit fixed by the checker.
#[derive(Clone, Debug)]
pub enum Num {
    /// A constant, already converted into the unit of the comparison.
    Const(f64),
    /// A numeric field, its value converted into the unit of the
    /// comparison.
    Field {
        /// The field.
        field: FieldRef,
        /// From the field's unit to the comparison's.
        conversion: Conversion,
    },
    /// A multiple of the reference limit the record carries with a field
    /// declared `with normal range`, in the field's unit.
    Limit {
        /// The field whose range is used.
        field: FieldRef,
        /// Upper or lower limit.
        limit: Limit,
        /// The multiple.
        factor: f64,
    },
    /// A define that is a number, converted.
    Define {
        /// The define.
        define: DefineId,
        /// From the define's unit to the comparison's.
        conversion: Conversion,
    },
    /// A number converted from the unit it was computed in.
    Convert {
        /// The number.
        inner: Box<Num>,
        /// The conversion.
        conversion: Conversion,
    },
    /// `-x`
    Neg(Box<Num>),
    /// `a + b`, `a - b`, `a * b`, `a / b`.
    Arith {
        /// The operator.
        op: ArithOp,
        /// Left.
        lhs: Box<Num>,
        /// Right (for `+` and `-`, in the unit of the left).
        rhs: Box<Num>,
    },
    /// `count L where c`
    Count {
        /// The list field.
        list: FieldRef,
        /// The condition on each element.
        condition: Box<Cond>,
    },
    /// `first known of (…)` or `if … then … else …` over numbers, all in
    /// one unit.
    Choose(Box<Choice<Num>>),
    /// `min(…)`, `max(…)`, `a ^ b`, `sqrt(x)`, `cbrt(x)`: known when every
    /// argument is, each looked at in turn until one is unknown.
    Call {
        /// The function.
        func: crate::semantics::Func,
        /// Its arguments, numbers in one unit for `min` and `max`.
        args: Vec<Num>,
    },
    /// A clinical formula applied to its arguments (`bmi(weight, height)`).
    Formula(Box<FormulaCall>),
    /// `mean(value of L where c)` and the other functions of a list's
    /// elements.
    OverList(Box<OverList<Num>>),
    /// `years between a and b`: whole calendar units, then converted.
    DateDiff {
        /// The calendar unit counted.
        unit: crate::syntax::CalendarUnit,
        /// From.
        from: Box<DateVal>,
        /// To.
        to: Box<DateVal>,
        /// From the calendar unit to the comparison's.
        conversion: Conversion,
    },
}

impl Num {
    /// The value of a number built from constants only (`None` inside
    /// when it has none, an overflow), computed as every evaluator
    /// computes it; `None` when it reads the record. The checker folds
    /// exponents with it and the compiler constant operands.
    #[must_use]
    pub fn constant(&self) -> Option<Option<f64>> {
        match self {
            Num::Const(v) => Some(Some(*v)),
            Num::Convert { inner, conversion } => {
                inner.constant().map(|v| v.map(|v| conversion.apply(v)))
            }
            Num::Neg(inner) => inner.constant().map(|v| v.map(|v| -v)),
            Num::Arith { op, lhs, rhs } => {
                let (a, b) = (lhs.constant()?, rhs.constant()?);
                Some(a.zip(b).and_then(|(a, b)| op.apply(a, b)))
            }
            Num::Formula(call) => call.body.constant(),
            _ => None,
        }
    }
}

/// Arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl ArithOp {
    /// `a op b`, `None` where it is not finite (an overflow, `x / 0`).
    #[must_use]
    pub fn apply(self, a: f64, b: f64) -> Option<f64> {
        let v = match self {
            ArithOp::Add => a + b,
            ArithOp::Sub => a - b,
            ArithOp::Mul => a * b,
            ArithOp::Div => a / b,
        };
        v.is_finite().then_some(v)
    }

    /// The unit of a product or quotient of numbers in `a` and `b` (`None`
    /// for a bare number): a bare factor keeps the other's unit. The checker
    /// types `*` and `/` with it, and explanations show computed values in
    /// it.
    ///
    /// # Errors
    ///
    /// When the unit cannot be formed (an exponent out of range).
    pub fn product_unit(
        self,
        a: Option<&Unit>,
        b: Option<&Unit>,
    ) -> Result<Option<Unit>, crate::units::UnitError> {
        match (a, b) {
            (None, None) => Ok(None),
            (Some(u), None) => Ok(Some(u.clone())),
            (None, Some(v)) if self == ArithOp::Mul => Ok(Some(v.clone())),
            (None, Some(v)) => Unit::parse("1").and_then(|one| one.divided_by(v)).map(Some),
            (Some(u), Some(v)) if self == ArithOp::Mul => u.times(v).map(Some),
            (Some(u), Some(v)) => u.divided_by(v).map(Some),
        }
    }
}

/// A date.
#[derive(Clone, Debug)]
pub enum DateVal {
    /// A `date` field.
    Field(FieldRef),
    /// The screening date, given at evaluation.
    Index,
    /// A define that is a date.
    Define(DefineId),
    /// `first known of (…)` or `if … then … else …` over dates.
    Choose(Box<Choice<DateVal>>),
    /// `latest(start of L where c)`, `earliest(…)`: a date of a list's
    /// elements.
    OverList(Box<OverList<DateVal>>),
    /// A date moved by a duration written in place (`18 years`).
    Shift {
        /// The date.
        date: Box<DateVal>,
        /// The duration, negative to move back.
        by: Duration,
    },
    /// A date moved by a computed duration (`5 * half_life`), counted in
    /// `unit`s; see [`Duration::span`] for what each unit means.
    ShiftBy {
        /// The date.
        date: Box<DateVal>,
        /// How many `unit`s, negative to move back.
        by: Box<Num>,
        /// What the number counts.
        unit: DurationUnit,
    },
}

/// A calendar duration: a count of calendar units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Duration {
    /// How many.
    pub amount: f64,
    /// Of which calendar unit.
    pub unit: DurationUnit,
}

/// Units a duration counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationUnit {
    /// Calendar years.
    Years,
    /// Calendar months.
    Months,
    /// Weeks of exactly 7 days.
    Weeks,
    /// Days of exactly 24 hours.
    Days,
    /// Hours.
    Hours,
}

impl DurationUnit {
    /// The unit a duration written in the UCUM unit `ucum` counts (`a`
    /// years, `mo` months, `wk`, `d`, `h`); `None` for other units of
    /// time, which are counted as lengths of time in hours.
    #[must_use]
    pub fn of_ucum(ucum: &str) -> Option<DurationUnit> {
        Some(match ucum {
            "a" => DurationUnit::Years,
            "mo" => DurationUnit::Months,
            "wk" => DurationUnit::Weeks,
            "d" => DurationUnit::Days,
            "h" => DurationUnit::Hours,
            _ => return None,
        })
    }
}

/// Milliseconds in a day: exact durations are counted to the millisecond,
/// far below any time a protocol states, and far above the noise of
/// binary floating point in `5 * half_life`.
const DAY_MS: i64 = 86_400_000;

impl Duration {
    /// The move from a window's anchor to its far edge: back for `within
    /// … before`, forward for `after`. One rule for the reference
    /// evaluator, the closures, the explainer and the SQL back end.
    #[must_use]
    pub fn toward(self, direction: Direction) -> Duration {
        let sign = if direction == Direction::Before {
            -1.0
        } else {
            1.0
        };
        Duration {
            amount: self.amount * sign,
            unit: self.unit,
        }
    }

    /// How far this duration moves a point in time, or `None` when it has
    /// no meaning (a fraction of a calendar year or month) or is out of
    /// range. Years and months move in the calendar (31 January + 1 month
    /// is the last day of February); weeks, days and hours are exact
    /// lengths of time, so `36 hours` moves a date to noon of the next day
    /// but one. Dates are midnights on this time line (see
    /// docs/language.md, "Dates"). The one rule for the reference
    /// evaluator and the compiled closures.
    pub(crate) fn span(&self) -> Option<jiff::Span> {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "checked to be whole and small"
        )]
        let whole = |x: f64| (x.fract() == 0.0 && x.abs() < 1e6).then_some(x as i64);
        let exact = |ms_per_unit: f64| {
            let ms = (self.amount * ms_per_unit).round();
            #[expect(
                clippy::cast_possible_truncation,
                reason = "checked to be small: under a million years"
            )]
            let ms = (ms.abs() < 3.2e16).then_some(ms as i64)?;
            // One sign throughout, as a span needs.
            jiff::Span::new()
                .try_days(ms / DAY_MS)
                .and_then(|s| s.try_milliseconds(ms % DAY_MS))
                .ok()
        };
        match self.unit {
            DurationUnit::Years => jiff::Span::new().try_years(whole(self.amount)?).ok(),
            DurationUnit::Months => jiff::Span::new().try_months(whole(self.amount)?).ok(),
            DurationUnit::Weeks => exact(7.0 * 86_400_000.0),
            DurationUnit::Days => exact(86_400_000.0),
            DurationUnit::Hours => exact(3_600_000.0),
        }
    }
}

/// A point in time moved by a span from [`Duration::span`].
#[inline]
pub(crate) fn moved(at: jiff::civil::DateTime, span: jiff::Span) -> Option<jiff::civil::DateTime> {
    at.checked_add(span).ok()
}
