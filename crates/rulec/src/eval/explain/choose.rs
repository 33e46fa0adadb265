//! Explaining chosen and computed values: `first known of` says which
//! value it took, `if` why it took its branch, functions their arguments.

use crate::check::{Choice, Cond, DateVal, FormulaArg, FormulaCall, Num};
use crate::semantics::{Func, Truth};
use crate::units::Unit;

use super::cond::Explainer;
use super::push_unique;

/// The operand a choice took, for the explanation to show: its index
/// among the operands (0 is `then`, 1 is `otherwise`), and whether an
/// unknown condition left both branches agreeing.
#[derive(Clone, Copy)]
pub(super) enum Taken {
    /// The operand at this index.
    At(usize),
    /// An `if` whose condition is unknown, its branches the same.
    EitherWay,
}

impl Explainer<'_, '_> {
    /// Which operand of a choice gave its known value.
    fn taken<T>(&mut self, choice: &Choice<T>, known: impl Fn(&mut Self, &T) -> bool) -> Taken {
        match choice {
            Choice::FirstKnown(items) => {
                Taken::At(items.iter().position(|i| known(self, i)).unwrap_or(0))
            }
            Choice::If { cond, .. } => match self.walker.cond(cond) {
                Truth::True => Taken::At(0),
                Truth::False => Taken::At(1),
                Truth::Unknown => Taken::EitherWay,
            },
        }
    }

    /// Why the choice took what it took, in words: `the first known of
    /// hba1c, hba1c_ifcc`, `since sex is female`, `either way`.
    fn because<T>(
        &mut self,
        choice: &Choice<T>,
        names: impl Fn(&Self, &T, &mut Vec<String>),
    ) -> String {
        match choice {
            Choice::FirstKnown(items) => {
                let mut all = Vec::new();
                for item in items {
                    names(self, item, &mut all);
                }
                format!("the first known of {}", all.join(", "))
            }
            Choice::If { cond, .. } => match self.cond(cond) {
                (Truth::Unknown, _) => "either way".to_owned(),
                (_, text) => format!("since {text}"),
            },
        }
    }

    /// The operand at `taken`.
    fn operand<T>(choice: &Choice<T>, taken: Taken) -> Option<&T> {
        match (choice, taken) {
            (Choice::FirstKnown(items), Taken::At(i)) => items.get(i),
            (Choice::If { then, .. }, Taken::At(0) | Taken::EitherWay) => Some(then),
            (Choice::If { otherwise, .. }, _) => Some(otherwise),
            (Choice::FirstKnown(items), Taken::EitherWay) => items.first(),
        }
    }

    /// A chosen number with its value `v`: `hba1c_ifcc 48 mmol/mol = 6.54 %
    /// (the first known of hba1c, hba1c_ifcc)`.
    pub(super) fn choice_num_text(
        &mut self,
        choice: &Choice<Num>,
        v: f64,
        unit: Option<&str>,
    ) -> String {
        let taken = self.taken(choice, |this, n| this.walker.num(n).is_some());
        let because = self.because(choice, Self::num_names);
        match Self::operand(choice, taken) {
            Some(n) => {
                let text = self.num_text(n, v, unit);
                format!("{text} ({because})")
            }
            None => because,
        }
    }

    /// A chosen condition's explanation.
    pub(super) fn choice_cond_text(&mut self, choice: &Choice<Cond>) -> String {
        let taken = self.taken(choice, |this, c| this.walker.cond(c) != Truth::Unknown);
        let known = match choice {
            Choice::FirstKnown(items) => {
                items.iter().any(|c| self.walker.cond(c) != Truth::Unknown)
            }
            Choice::If { .. } => true,
        };
        if !known {
            let mut reasons: Vec<String> = Vec::new();
            if let Choice::FirstKnown(items) = choice {
                for item in items {
                    let (_, text) = self.cond(item);
                    let text = text.strip_suffix(": unknown").unwrap_or(&text).to_owned();
                    push_unique(&mut reasons, [text]);
                }
            }
            return format!("{}: unknown", super::join_and(&reasons));
        }
        let because = self.because(choice, Self::names_in);
        match Self::operand(choice, taken) {
            Some(c) => {
                let (_, text) = self.cond(c);
                format!("{text} ({because})")
            }
            None => because,
        }
    }

    /// A chosen date's explanation, with its value.
    pub(super) fn choice_date_text(
        &mut self,
        choice: &Choice<DateVal>,
        value: jiff::civil::Date,
    ) -> String {
        let taken = self.taken(choice, |this, d| this.walker.date(d).is_some());
        let because = self.because(choice, Self::date_names);
        match Self::operand(choice, taken) {
            Some(d) => {
                let text = self.date_text(d, value);
                format!("{text} ({because})")
            }
            None => because,
        }
    }

    /// Why a chosen number or date is unknown: every operand's reason for
    /// `first known of`; the condition's, or the branch's, for `if`.
    pub(super) fn why_choice<T>(
        &mut self,
        choice: &Choice<T>,
        why: impl Fn(&mut Self, &T) -> Vec<String>,
    ) -> Vec<String> {
        match choice {
            Choice::FirstKnown(items) => {
                let mut reasons = Vec::new();
                for item in items {
                    push_unique(&mut reasons, why(self, item));
                }
                reasons
            }
            Choice::If {
                cond,
                then,
                otherwise,
            } => match self.walker.cond(cond) {
                Truth::True => why(self, then),
                Truth::False => why(self, otherwise),
                Truth::Unknown => {
                    let (_, text) = self.cond(cond);
                    let text = text.strip_suffix(": unknown").unwrap_or(&text).to_owned();
                    let mut reasons = vec![text];
                    push_unique(&mut reasons, why(self, then));
                    push_unique(&mut reasons, why(self, otherwise));
                    reasons
                }
            },
        }
    }

    /// A function's value with its arguments: `min(a 3 mg/dL, b 4 mg/dL)
    /// = 3 mg/dL`, `(x 2) ^ 0.5 = 1.414`.
    pub(super) fn call_text(
        &mut self,
        func: Func,
        args: &[Num],
        v: f64,
        unit: Option<&str>,
    ) -> String {
        let mut shown = Vec::with_capacity(args.len());
        for (i, arg) in args.iter().enumerate() {
            let arg_unit = match func {
                Func::Min | Func::Max => unit.map(str::to_owned),
                _ if i == 0 => self.unit_of(arg),
                _ => None,
            };
            let text = match self.walker.num(arg) {
                Some(x) => self.num_text(arg, x, arg_unit.as_deref()),
                None => "?".to_owned(),
            };
            // A call's own parentheses hold an argument: `cbrt(x / 1 kg = 70)`.
            let bare = match (
                func,
                text.strip_prefix('(').and_then(|t| t.strip_suffix(')')),
            ) {
                (Func::Pow, _) | (_, None) => text,
                (_, Some(inner)) => inner.to_owned(),
            };
            shown.push(bare);
        }
        let value = super::qty_with(v, unit, 4);
        match (func, shown.as_slice()) {
            (Func::Pow, [base, exponent]) if base.starts_with('(') => {
                format!("{base} ^ {exponent} = {value}")
            }
            (Func::Pow, [base, exponent]) => format!("({base}) ^ {exponent} = {value}"),
            _ => format!("{}({}) = {value}", func.name(), shown.join(", ")),
        }
    }

    /// Why a function has no value: its arguments' reasons, or that it has
    /// none for them (`sqrt` of a negative number).
    pub(super) fn why_call(&mut self, func: Func, args: &[Num]) -> Vec<String> {
        let mut reasons = Vec::new();
        for arg in args {
            let why = self.why_num(arg);
            push_unique(&mut reasons, why);
        }
        if reasons.is_empty() {
            reasons.push(format!(
                "`{}` has no real value for these arguments",
                func.name()
            ));
        }
        reasons
    }

    /// The names a choice reads: its condition's and its operands'.
    pub(super) fn choice_names<T>(
        &self,
        choice: &Choice<T>,
        names: &mut Vec<String>,
        each: impl Fn(&Self, &T, &mut Vec<String>),
    ) {
        match choice {
            Choice::FirstKnown(items) => items.iter().for_each(|i| each(self, i, names)),
            Choice::If {
                cond,
                then,
                otherwise,
            } => {
                self.names_in(cond, names);
                each(self, then, names);
                each(self, otherwise, names);
            }
        }
    }

    /// The unit a chosen number or a function's value is in, where the
    /// explanation can tell.
    pub(super) fn choice_unit(&self, n: &Num) -> Option<Option<Unit>> {
        match n {
            Num::Choose(choice) => match choice.as_ref() {
                Choice::FirstKnown(items) => self.unit(items.first()?),
                Choice::If { then, .. } => self.unit(then),
            },
            Num::Call {
                func: Func::Min | Func::Max,
                args,
            } => self.unit(args.first()?),
            Num::Call {
                func: Func::Sqrt | Func::Cbrt,
                ..
            } => Some(None),
            Num::Formula(call) => Some(Unit::parse(call.unit()).ok()),
            Num::OverList(over) => self.over_unit(over),
            _ => None,
        }
    }

    /// A formula's value with its arguments: `egfr_ckd_epi_2021(creatinine
    /// 80 umol/L = 0.905 mg/dL, age 60 a, female: true) = 92.1 mL/min/{1.73_m2}`.
    pub(super) fn formula_text(
        &mut self,
        call: &FormulaCall,
        v: f64,
        unit: Option<&str>,
    ) -> String {
        let params = call.params();
        let units = call.param_units();
        let mut shown = Vec::with_capacity(call.args.len());
        for (i, arg) in call.args.iter().enumerate() {
            let param = params.get(i).copied().unwrap_or("?");
            let text = match arg {
                FormulaArg::Num(n) => {
                    let unit = units.get(i).copied().flatten().and_then(super::shown_unit);
                    match self.walker.num(n) {
                        Some(x) => self.num_text(n, x, unit.as_deref()),
                        None => "?".to_owned(),
                    }
                }
                FormulaArg::Cond(c) => {
                    let (truth, text) = self.cond(c);
                    format!("{param}: {truth} ({text})")
                }
            };
            shown.push(text);
        }
        let value = super::qty_with(v, unit, 4);
        format!("{}({}) = {value}", call.name(), shown.join(", "))
    }

    /// Why a formula has no value: its arguments' reasons, or that it has
    /// none for them.
    pub(super) fn why_formula(&mut self, call: &FormulaCall) -> Vec<String> {
        let mut reasons = Vec::new();
        for arg in &call.args {
            let why = match arg {
                FormulaArg::Num(n) => self.why_num(n),
                FormulaArg::Cond(c) => match self.cond(c) {
                    (crate::semantics::Truth::Unknown, text) => {
                        vec![text.strip_suffix(": unknown").unwrap_or(&text).to_owned()]
                    }
                    _ => Vec::new(),
                },
            };
            push_unique(&mut reasons, why);
        }
        if reasons.is_empty() {
            reasons.push(format!(
                "`{}` has no value for these arguments",
                call.name()
            ));
        }
        reasons
    }

    /// The names a formula's arguments read.
    pub(super) fn formula_names(&self, call: &FormulaCall, names: &mut Vec<String>) {
        for arg in &call.args {
            match arg {
                FormulaArg::Num(n) => self.num_names(n, names),
                FormulaArg::Cond(c) => self.names_in(c, names),
            }
        }
    }
}
