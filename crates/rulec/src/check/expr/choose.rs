//! Typing the forms that choose or compute a value: `first known of`,
//! `if … then … else`, `min`, `max`, `^`, `sqrt` and `cbrt`. Clinical
//! formulas, calls too, are typed in `formula.rs`.

use super::ops::{convert, unify, written};
use super::*;
use crate::semantics::Func;
use crate::syntax::Name;

/// The largest whole exponent a quantity's unit may be raised to: far
/// beyond any formula (BSA's `m2`, a volume's `m3`), and units stay small.
const MAX_UNIT_POWER: f64 = 6.0;

/// Values of one type, as a choice or a function takes them.
enum Alike {
    Conds(Vec<Cond>),
    Nums(Vec<Num>, Option<Unit>),
    Dates(Vec<DateVal>),
}

/// The functions of numbers, for did-you-mean and the list in messages
/// (clinical formulas add theirs).
pub(super) const FUNCTIONS: [&str; 4] = ["min", "max", "sqrt", "cbrt"];

impl<'a> Ctx<'a> {
    /// `first known of (a, b, …)`.
    pub(super) fn first_known(&mut self, items: &'a [Expr]) -> Typed {
        let items: Vec<&'a Expr> = items.iter().collect();
        match self.alike(&items, "the values of `first known of`") {
            Some(Alike::Conds(c)) => Typed::Cond(Cond::Choose(Box::new(Choice::FirstKnown(c)))),
            Some(Alike::Nums(n, unit)) => {
                typed_num(Num::Choose(Box::new(Choice::FirstKnown(n))), unit)
            }
            Some(Alike::Dates(d)) => Typed::Date(DateVal::Choose(Box::new(Choice::FirstKnown(d)))),
            None => Typed::Error,
        }
    }

    /// `if c then a else b`.
    pub(super) fn if_then_else(
        &mut self,
        cond: &'a Expr,
        then: &'a Expr,
        otherwise: &'a Expr,
    ) -> Typed {
        let cond = self.cond(cond);
        let branches = self.alike(&[then, otherwise], "the two branches of `if`");
        let (Some(cond), Some(branches)) = (cond, branches) else {
            return Typed::Error;
        };
        fn choice<T>(cond: Cond, mut values: Vec<T>) -> Option<Box<Choice<T>>> {
            let otherwise = values.pop()?;
            let then = values.pop()?;
            Some(Box::new(Choice::If {
                cond,
                then,
                otherwise,
            }))
        }
        match branches {
            Alike::Conds(c) => {
                choice(cond, c).map_or(Typed::Error, |c| Typed::Cond(Cond::Choose(c)))
            }
            Alike::Nums(n, unit) => {
                choice(cond, n).map_or(Typed::Error, |c| typed_num(Num::Choose(c), unit))
            }
            Alike::Dates(d) => {
                choice(cond, d).map_or(Typed::Error, |c| Typed::Date(DateVal::Choose(c)))
            }
        }
    }

    /// Values of one type: conditions, dates, or numbers converted into
    /// the first one's unit (`first known of (hba1c_ngsp, hba1c_ifcc)`).
    fn alike(&mut self, items: &[&'a Expr], what: &str) -> Option<Alike> {
        let typed: Vec<(Typed, &'a Expr)> = items.iter().map(|e| (self.expr(e), *e)).collect();
        let mut out: Option<Alike> = None;
        let mut first: Option<NumTyped> = None;
        let mut failed = false;
        for (t, e) in typed {
            let next = match (t, &mut out) {
                (Typed::Error, _) => {
                    failed = true;
                    continue;
                }
                (Typed::Unresolved(n), _) => {
                    self.unknown_name(&n, e.span);
                    failed = true;
                    continue;
                }
                (Typed::Cond(c), None) => Alike::Conds(vec![c]),
                (Typed::Date(d), None) => Alike::Dates(vec![d]),
                (Typed::Num(n), None) => {
                    let unit = n.unit.clone();
                    first = Some(n.clone());
                    Alike::Nums(vec![n.num], unit)
                }
                (Typed::Cond(c), Some(Alike::Conds(cs))) => {
                    cs.push(c);
                    continue;
                }
                (Typed::Date(d), Some(Alike::Dates(ds))) => {
                    ds.push(d);
                    continue;
                }
                (Typed::Num(n), Some(Alike::Nums(ns, _))) => {
                    if let Some(head) = &first
                        && let Some(num) = self.in_unit_of(head, n, e.span)
                    {
                        ns.push(num);
                    } else {
                        failed = true;
                    }
                    continue;
                }
                (other, _) => {
                    let expected = match &out {
                        Some(Alike::Conds(_)) => "a condition, as the first is".to_owned(),
                        Some(Alike::Nums(..)) => "a number, as the first is".to_owned(),
                        Some(Alike::Dates(_)) => "a date, as the first is".to_owned(),
                        None => format!("a number, a date or a condition: {what} are chosen among"),
                    };
                    self.error(CheckError::TypeMismatch {
                        expected,
                        found: describe(&other),
                        span: e.span,
                        help: None,
                    });
                    failed = true;
                    continue;
                }
            };
            out = Some(next);
        }
        if failed { None } else { out }
    }

    /// `n` converted into the unit of `head`, the first of the values it
    /// is chosen among or compared with; an error where it cannot be.
    fn in_unit_of(&mut self, head: &NumTyped, mut n: NumTyped, span: Span) -> Option<Num> {
        let kept = written(&n);
        let mut head = head.clone();
        unify(&mut head, &mut n);
        let head = &head;
        let num = match (&head.unit, &n.unit) {
            (None, None) => n.num,
            // Through the first field's molar mass or scale, as a record
            // value in `v` would be read into it.
            (Some(u), Some(v)) => match match &head.origin {
                Origin::Field(info) => {
                    v.conversion_into(u, info.molar_mass.as_ref(), info.scale.as_ref())
                }
                Origin::Formula { molar_mass, .. } => {
                    v.conversion_into(u, molar_mass.as_ref(), None)
                }
                _ => v.conversion_to(u),
            } {
                Ok(c) => convert(n.num, c),
                Err(e) => {
                    self.incommensurable(head, &n, &e, span, "mix");
                    return None;
                }
            },
            _ => {
                self.unit_missing(head, &n, span, span);
                return None;
            }
        };
        self.keep_written(kept, &num, head.unit.as_ref());
        Some(num)
    }

    /// A number as a plain ratio: without a unit, or in a dimensionless
    /// one (`%`) converted into `1`; `None` for a quantity with a
    /// dimension.
    fn plain(&mut self, n: &NumTyped) -> Option<Num> {
        let Some(unit) = &n.unit else {
            return Some(n.num.clone());
        };
        let one = Unit::parse("1").ok()?;
        if !unit.dimension().is_dimensionless() || unit.is_arbitrary() {
            return None;
        }
        let conversion = unit.conversion_to(&one).ok()?;
        Some(convert(n.num.clone(), conversion))
    }

    /// `a ^ b`: any constant or computed exponent on a plain ratio, and a
    /// whole constant exponent on a quantity, whose unit is raised too.
    pub(super) fn power(&mut self, base: &'a Expr, exponent: &'a Expr, span: Span) -> Typed {
        let (b, e) = (self.expr(base), self.expr(exponent));
        let (b, e) = match (b, e) {
            (Typed::Num(b), Typed::Num(e)) => (b, e),
            (Typed::Error, _) | (_, Typed::Error) => return Typed::Error,
            (Typed::Num(_), other) => return self.mismatch("a number", &other, exponent.span),
            (other, _) => return self.mismatch("a number", &other, base.span),
        };
        let Some(exp) = self.plain(&e) else {
            return self.error(CheckError::TypeMismatch {
                expected: "an exponent without a unit".to_owned(),
                found: describe(&Typed::Num(e)),
                span: exponent.span,
                help: None,
            });
        };
        self.keep_written(written(&e), &exp, None);
        if let Some(plain) = self.plain(&b) {
            self.keep_written(written(&b), &plain, None);
            return typed_num(call(Func::Pow, vec![plain, exp]), None);
        }
        let whole = exp
            .constant()
            .flatten()
            .filter(|k| k.fract() == 0.0 && k.abs() <= MAX_UNIT_POWER);
        let (Some(k), Some(unit)) = (whole, b.unit.clone()) else {
            let unit = b
                .unit
                .as_ref()
                .map_or_else(String::new, |u| format!(" in `{u}`"));
            return self.error(CheckError::TypeMismatch {
                expected: format!(
                    "a whole exponent from -6 to 6, written in the rule, for a quantity{unit}"
                ),
                found: describe(&Typed::Num(e)),
                span: exponent.span,
                help: Some(format!(
                    "a fractional or computed power of a quantity has no unit; divide by one first: `({} / 1 {}) ^ …`",
                    crate::syntax::print_expr(base),
                    b.unit.as_ref().map_or("…", |u| u.as_str())
                )),
            });
        };
        match unit_power(&unit, k) {
            Ok(raised) => {
                self.keep_written(written(&b), &b.num, Some(&unit));
                typed_num(call(Func::Pow, vec![b.num, exp]), raised)
            }
            Err(err) => self.unit_error(&err, span),
        }
    }

    /// `min(…)`, `max(…)`, `sqrt(x)`, `cbrt(x)`, or a clinical formula.
    pub(super) fn call(&mut self, name: &'a Name, args: &'a [Expr], span: Span) -> Typed {
        let func = match name.node.as_str() {
            "min" => Func::Min,
            "max" => Func::Max,
            "sqrt" => Func::Sqrt,
            "cbrt" => Func::Cbrt,
            _ => return self.formula(name, args, span),
        };
        if matches!(func, Func::Min | Func::Max) {
            if args.len() < 2 {
                return self.arguments(name, "2 or more arguments", args.len(), span, None);
            }
            let args: Vec<&'a Expr> = args.iter().collect();
            return match self.alike(&args, "the arguments of `min` and `max`") {
                Some(Alike::Nums(nums, unit)) => typed_num(call(func, nums), unit),
                Some(_) => self.error(CheckError::TypeMismatch {
                    expected: format!("numbers, which `{}` takes", name.node),
                    found: "dates or conditions".to_owned(),
                    span,
                    help: None,
                }),
                None => Typed::Error,
            };
        }
        let [arg] = args else {
            return self.arguments(name, "1 argument", args.len(), span, None);
        };
        match self.expr(arg) {
            Typed::Num(n) => match self.plain(&n) {
                Some(x) => {
                    self.keep_written(written(&n), &x, None);
                    typed_num(call(func, vec![x]), None)
                }
                None => self.error(CheckError::TypeMismatch {
                    expected: format!("a ratio without a unit, which `{}` takes", name.node),
                    found: describe(&Typed::Num(n.clone())),
                    span: arg.span,
                    help: Some(format!(
                        "divide by a unit first: `{}({} / 1 {})`",
                        name.node,
                        crate::syntax::print_expr(arg),
                        n.unit.as_ref().map_or("…", |u| u.as_str())
                    )),
                }),
            },
            Typed::Error => Typed::Error,
            other => self.mismatch("a number", &other, arg.span),
        }
    }

    pub(super) fn arguments(
        &mut self,
        name: &Name,
        expected: &str,
        found: usize,
        span: Span,
        help: Option<String>,
    ) -> Typed {
        self.error(CheckError::Arguments {
            name: name.node.clone(),
            expected: expected.to_owned(),
            found,
            span,
            help,
        })
    }
}

fn call(func: Func, args: Vec<Num>) -> Num {
    Num::Call { func, args }
}

fn typed_num(num: Num, unit: Option<Unit>) -> Typed {
    Typed::Num(NumTyped {
        num,
        unit,
        origin: Origin::Other,
    })
}

/// `unit ^ k` for a whole `k`; `None` for a power of zero (a plain
/// number).
fn unit_power(unit: &Unit, k: f64) -> Result<Option<Unit>, UnitError> {
    let one = Unit::parse("1")?;
    let mut raised = one.clone();
    let mut left = k.abs();
    while left >= 1.0 {
        raised = raised.times(unit)?;
        left -= 1.0;
    }
    if k < 0.0 {
        raised = one.divided_by(&raised)?;
    }
    Ok((k != 0.0).then_some(raised))
}
