//! Clinical formulas: calls such as `bmi(weight, height)`, each written in
//! rulec itself and typed in place with its arguments.

use super::choose::FUNCTIONS;
use super::*;
use crate::syntax::Name;

impl<'a> Ctx<'a> {
    /// A call of a name that is not a function of numbers: a clinical
    /// formula, or an unknown function.
    pub(super) fn formula(&mut self, name: &'a Name, _args: &'a [Expr], span: Span) -> Typed {
        let _ = span;
        let help = match closest(&name.node, FUNCTIONS.iter().copied()) {
            Some(c) => format!("did you mean `{c}`? the functions are {}", FUNCTIONS.join(", ")),
            None => format!("the functions are {}", FUNCTIONS.join(", ")),
        };
        self.error(CheckError::UnknownFunction {
            name: name.node.clone(),
            span: name.span,
            help,
        })
    }
}
