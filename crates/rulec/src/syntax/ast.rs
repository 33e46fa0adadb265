//! The owned syntax tree of a rule file.
//!
//! Every node carries a [`Span`]; spans are left out of equality, so a tree
//! printed and parsed again compares equal to the original. Parentheses are
//! not kept: the printer puts back exactly those that precedence needs.

use std::fmt;

use super::span::{Name, Span, Spanned};

/// Equality that ignores the `span` field: layout is not meaning.
macro_rules! eq_ignoring_span {
    ($($ty:ident { $($field:ident),* })*) => {$(
        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                true $(&& self.$field == other.$field)*
            }
        }
        impl Eq for $ty {}
    )*};
}

eq_ignoring_span! {
    Trial { id, title }
    Use { path }
    FieldsBlock { fields }
    Define { name, expr }
    CriteriaBlock { section, criteria }
    Criterion { id, label, expr }
}

mod cohort;
mod example;
mod fhir;
pub use cohort::*;
pub use example::*;
pub use fhir::*;

/// A parsed rule file.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct RuleFile {
    /// The items in source order.
    pub items: Vec<Item>,
}

/// A top-level item.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Item {
    /// `trial "NCT…" "title"`
    Trial(Trial),
    /// `use "file.rules"`
    Use(Use),
    /// `fields { … }`
    Fields(FieldsBlock),
    /// `define name: expr`
    Define(Define),
    /// `inclusion { … }` or `exclusion { … }`
    Criteria(CriteriaBlock),
    /// `fhir { … }`
    Fhir(FhirBlock),
    /// `example "…" { … } expect …`
    Example(Box<Example>),
    /// `cohort name "label" { … }`
    Cohort(CohortBlock),
}

impl Item {
    /// Where the item was written.
    #[must_use]
    pub fn span(&self) -> Span {
        match self {
            Item::Trial(t) => t.span,
            Item::Use(u) => u.span,
            Item::Fields(f) => f.span,
            Item::Define(d) => d.span,
            Item::Criteria(c) => c.span,
            Item::Fhir(f) => f.span,
            Item::Example(e) => e.span,
            Item::Cohort(c) => c.span,
        }
    }
}

/// The trial header.
#[derive(Clone, Debug)]
pub struct Trial {
    /// The registry id, e.g. `NCT03473496`.
    pub id: Spanned<String>,
    /// The title, if given.
    pub title: Option<Spanned<String>>,
    /// The whole header.
    pub span: Span,
}

/// An import of another rule file's fields.
#[derive(Clone, Debug)]
pub struct Use {
    /// The path as written, relative to the importing file.
    pub path: Spanned<String>,
    /// The whole item.
    pub span: Span,
}

/// A `fields` block.
#[derive(Clone, Debug)]
pub struct FieldsBlock {
    /// The declarations in source order.
    pub fields: Vec<FieldDecl>,
    /// The whole block.
    pub span: Span,
}

/// `name: type`
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FieldDecl {
    /// The field name.
    pub name: Name,
    /// Its type.
    pub ty: Spanned<Type>,
}

/// The type of a field.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Type {
    /// `bool`
    Bool,
    /// `integer` or `integer lo..hi` (both ends included).
    Integer {
        /// The declared bounds, if any.
        range: Option<(Spanned<i64>, Spanned<i64>)>,
    },
    /// `number` (dimensionless)
    Number,
    /// A quantity declared by its unit.
    Quantity(QuantityType),
    /// `date`
    Date,
    /// `text`
    Text,
    /// `one of { … }`
    OneOf(Vec<Name>),
    /// `set of { … }`
    SetOf(Vec<Name>),
    /// `ordered { … }`: one member of a scale, lowest first.
    Ordered(Vec<Name>),
    /// `list of { … }`
    ListOf(Vec<FieldDecl>),
}

/// A quantity type: its unit and what the record carries with it.
#[derive(Clone, Debug)]
pub struct QuantityType {
    /// The unit values are stored in, as written.
    pub unit: Spanned<String>,
    /// `with normal range`: values carry a reference range.
    pub normal_range: bool,
    /// `molar mass M g/mol`, if declared.
    pub molar_mass: Option<Spanned<Quantity>>,
    /// `scale U as A x + B`, if declared.
    pub scale: Option<Box<Spanned<Scale>>>,
    /// `plausible L..H`, if declared.
    pub plausible: Option<Box<Spanned<Plausible>>>,
}

/// `scale mmol/mol as 0.09148 x + 2.152`: values in `unit` (and units of
/// its kind) are read as `slope × value + intercept` in the field's unit.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Scale {
    /// The other scale's unit, as written.
    pub unit: Spanned<String>,
    /// The slope as written, possibly negative (`-1.5`).
    pub slope: Number,
    /// The intercept as written with its sign (`2.152`, `-23.5`), if any.
    pub intercept: Option<Number>,
}

/// `plausible 30 g/L..250 g/L`: the values a field can hold in a living
/// patient; each end is a number (in the field's unit) or a quantity.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Plausible {
    /// The lowest plausible value.
    pub low: Expr,
    /// The highest plausible value.
    pub high: Expr,
}

/// A number with a unit, as written: `113.12 g/mol`.
#[derive(Clone, Debug)]
pub struct Quantity {
    /// The number as written.
    pub value: Number,
    /// The unit as written.
    pub unit: Spanned<String>,
    /// Whether the unit follows the number with no space (`3a`): a
    /// one-letter unit so written is printed so, as a scale's step is
    /// (`ckd < 3a`, a CKD stage, not 3 years).
    pub tight: bool,
}

// Units compare by the form the printer gives them (`/mcL` is `/uL`, see
// `units::canonical`), so a file formatted in that form is the same tree.
fn same_unit(a: &Spanned<String>, b: &Spanned<String>) -> bool {
    a.node == b.node || crate::units::canonical(&a.node) == crate::units::canonical(&b.node)
}

impl PartialEq for QuantityType {
    fn eq(&self, other: &Self) -> bool {
        same_unit(&self.unit, &other.unit)
            && self.normal_range == other.normal_range
            && self.molar_mass == other.molar_mass
    }
}
impl Eq for QuantityType {}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value && same_unit(&self.unit, &other.unit)
    }
}
impl Eq for Quantity {}

/// A decimal number kept exactly as written, so no precision is lost before
/// the units layer converts it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Number(pub String);

impl Number {
    /// The text of the number.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as a float (the nearest `f64`); `None` only if out of range.
    #[must_use]
    pub fn to_f64(&self) -> Option<f64> {
        self.0.parse::<f64>().ok().filter(|v| v.is_finite())
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `define name: expr`
#[derive(Clone, Debug)]
pub struct Define {
    /// The name.
    pub name: Name,
    /// `define bmi in kg/m2: …`: the unit its values are shown in.
    pub unit: Option<Spanned<String>>,
    /// The expression it stands for.
    pub expr: Expr,
    /// The whole item.
    pub span: Span,
}

/// Which kind of criteria block.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Section {
    /// Every inclusion criterion must be met.
    Inclusion,
    /// No exclusion criterion may be met.
    Exclusion,
}

impl Section {
    /// The keyword that opens the block.
    #[must_use]
    pub fn keyword(self) -> &'static str {
        match self {
            Section::Inclusion => "inclusion",
            Section::Exclusion => "exclusion",
        }
    }
}

/// An `inclusion` or `exclusion` block.
#[derive(Clone, Debug)]
pub struct CriteriaBlock {
    /// Inclusion or exclusion.
    pub section: Section,
    /// The criteria in source order.
    pub criteria: Vec<Criterion>,
    /// The whole block.
    pub span: Span,
}

/// `id "label": expr`
#[derive(Clone, Debug)]
pub struct Criterion {
    /// The id, unique in the file.
    pub id: Name,
    /// The protocol wording, if given (adjacent strings joined by a space).
    pub label: Option<Spanned<String>>,
    /// The condition.
    pub expr: Expr,
    /// The whole criterion.
    pub span: Span,
}

/// An expression with its span.
pub type Expr = Spanned<ExprKind>;

/// The forms of expression.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ExprKind {
    /// A bare number: `18`.
    Number(Number),
    /// A number with a unit: `80 g/L`.
    Quantity(Quantity),
    /// A multiple of a normal limit: `2.5 x ULN`.
    Multiple {
        /// The factor as written.
        factor: Number,
        /// Which limit.
        limit: Limit,
    },
    /// `true` or `false`
    Bool(bool),
    /// A string literal.
    Text(String),
    /// `index`: the screening date given at evaluation.
    Index,
    /// A field, define or enum member, resolved by the checker.
    Name(String),
    /// `not e`, `-e`
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
    },
    /// `a and b`, `a + b` …
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `a < b` …
    Compare {
        /// The operator.
        op: CompareOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `a between lo and hi` (inclusive)
    Between {
        /// The tested value.
        value: Box<Expr>,
        /// Lower bound.
        low: Box<Expr>,
        /// Upper bound.
        high: Box<Expr>,
    },
    /// `s has m`, `s has any of {…}`, `s has all of {…}`, `e in {…}`
    Member {
        /// The form of the test.
        test: MemberTest,
        /// The set or enum being tested.
        subject: Box<Expr>,
        /// The members named.
        members: Vec<Name>,
    },
    /// `x is known` (`known: true`) or `x is missing` (`known: false`)
    Known {
        /// The tested value.
        subject: Box<Expr>,
        /// `true` for `is known`.
        known: bool,
    },
    /// `d within 4 weeks before index`
    Within {
        /// The date tested.
        subject: Box<Expr>,
        /// The window length.
        window: Box<Expr>,
        /// Before or after the anchor.
        direction: Direction,
        /// The anchor date.
        anchor: Box<Expr>,
    },
    /// `any of (…)`, `all of (…)`, `none of (…)`, `at least N of (…)`
    Group {
        /// Which group.
        kind: GroupKind,
        /// The conditions.
        items: Vec<Expr>,
    },
    /// `any L where c`, `all …`, `no …`, `count …`
    ListQuery {
        /// Which quantifier.
        quantifier: Quantifier,
        /// The list field.
        list: Name,
        /// The condition on each element.
        condition: Box<Expr>,
    },
    /// `first known of (a, b, …)`: the first value the record has.
    FirstKnown(Vec<Expr>),
    /// `if c then a else b`
    If {
        /// The condition.
        cond: Box<Expr>,
        /// The value where it holds.
        then: Box<Expr>,
        /// The value where it does not.
        otherwise: Box<Expr>,
    },
    /// `name(a, b, …)`: a function (`min`, `max`, `sqrt`, `cbrt`) or a
    /// clinical formula (`bmi(weight, height)`).
    Call {
        /// The function's name.
        name: Name,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// `mean(value of ecgs where c)`, `latest(weight by date of weights)`:
    /// a function of the values of a list's elements.
    Aggregate(Box<Aggregate>),
    /// `years between a and b` (also months, weeks, days)
    DateDiff {
        /// The calendar unit counted.
        unit: CalendarUnit,
        /// The earlier date.
        from: Box<Expr>,
        /// The later date.
        to: Box<Expr>,
    },
}

/// `mean(value of ecgs where c)`: a function of a list's elements.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Aggregate {
    /// The function's name (`sum`, `mean`, `min`, `max`, `latest`,
    /// `earliest`).
    pub name: Name,
    /// Each element's value, over the element's fields.
    pub value: Expr,
    /// The element's date field that orders them, if named.
    pub by: Option<Name>,
    /// The list.
    pub list: Name,
    /// The condition an element must meet to count, if any.
    pub condition: Option<Expr>,
}

/// `ULN` or `LLN`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Limit {
    /// Upper limit of normal.
    Upper,
    /// Lower limit of normal.
    Lower,
}

/// Prefix operators.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum UnaryOp {
    /// `not`
    Not,
    /// `-`
    Neg,
}

/// Infix logic and arithmetic operators.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum BinaryOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `^`
    Pow,
}

/// Comparison operators.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum CompareOp {
    /// `<`
    Lt,
    /// `<=` or `≤`
    Le,
    /// `>`
    Gt,
    /// `>=` or `≥`
    Ge,
    /// `=`
    Eq,
    /// `!=` or `≠`
    Ne,
}

impl CompareOp {
    /// The operator as the printer writes it: `<`, `<=`, `>`, `>=`, `=`, `!=`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Eq => "=",
            CompareOp::Ne => "!=",
        }
    }
}

/// The forms of membership test.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum MemberTest {
    /// `has m` (exactly one member)
    Has,
    /// `has any of { … }`
    HasAny,
    /// `has all of { … }`
    HasAll,
    /// `in { … }`
    In,
}

/// Direction of a `within` window.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Direction {
    /// `before`
    Before,
    /// `after`
    After,
}

/// Boolean groups.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum GroupKind {
    /// `any of`
    Any,
    /// `all of`
    All,
    /// `none of`
    None,
    /// `at least N of`
    AtLeast(u32),
}

/// List quantifiers.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Quantifier {
    /// `any L where c`
    Any,
    /// `all L where c`
    All,
    /// `no L where c`
    No,
    /// `count L where c`
    Count,
}

/// Calendar units of a date difference.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum CalendarUnit {
    /// `years`
    Years,
    /// `months`
    Months,
    /// `weeks`
    Weeks,
    /// `days`
    Days,
    /// `hours`: whole days between two dates, in hours.
    Hours,
}

impl CalendarUnit {
    /// The word that names the unit: `years`, `months`, `weeks`, `days`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            CalendarUnit::Years => "years",
            CalendarUnit::Months => "months",
            CalendarUnit::Weeks => "weeks",
            CalendarUnit::Days => "days",
            CalendarUnit::Hours => "hours",
        }
    }
}
