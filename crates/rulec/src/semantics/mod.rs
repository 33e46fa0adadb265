//! The language's semantics, each rule written once: three-valued (Kleene)
//! logic and its counting groups, comparison with the tie rule, the
//! operator flip, membership in a declared set, calendar arithmetic,
//! choosing a value (`first known of`, `if`), functions of numbers, and
//! functions of a list's elements (`mean`, `latest` …).
//!
//! Every evaluation path is built on these: the reference evaluator (the
//! oracle of *structure*: it walks the checked program plainly), the
//! compiled closures and status plan, the explainer, and the checker's
//! constant folding. A back end that cannot call them (SQL) is tested
//! against them.
//!
//! ```
//! use rulec::semantics::{Truth, flip, holds};
//! use rulec::syntax::CompareOp;
//!
//! // Missing data is unknown, never a pass: `false and unknown` is false,
//! // `true and unknown` stays unknown.
//! assert_eq!(Truth::False.and(Truth::Unknown), Truth::False);
//! assert_eq!(Truth::True.and(Truth::Unknown), Truth::Unknown);
//!
//! // Values within a million-millionth of each other tie: 3 × 33.6 is not
//! // "more than" 100.8.
//! assert!(!holds(CompareOp::Gt, 3.0 * 33.6, 100.8));
//! assert!(holds(CompareOp::Ge, 3.0 * 33.6, 100.8));
//!
//! // `k < x` is `x > k`.
//! assert_eq!(flip(CompareOp::Lt), CompareOp::Gt);
//! ```

mod aggregate;
mod calendar;
mod censored;
mod choose;
mod compare;
mod math;
mod members;
mod truth;

pub use aggregate::{Aggregate, Seen, pick};
pub use calendar::whole_units;
pub(crate) use calendar::{whole_days, whole_hours, whole_months, whole_weeks, whole_years};
pub use censored::{Censor, Censored};
pub use choose::{Chosen, first_known, if_then_else};
pub use compare::{TIE, Ties, flip, holds};
pub(crate) use compare::{eq, ge, gt, le, lt, ne, tied_with};
pub use math::Func;
pub use members::{has_members, is_member};
pub use truth::{Truth, at_least, group};
