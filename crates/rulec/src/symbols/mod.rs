//! The names of a rule file, for an editor: where each field, define,
//! member, criterion and cohort is declared, every place the file names
//! it, what is at a byte offset, and the file's outline.
//!
//! Names are resolved as the checker resolves them (`docs/language.md`,
//! "Names"): inside a `where` clause the list element's fields first, then
//! the record's fields (the file's and those of the files it `use`s),
//! then defines; the members after `has`, `in` and `=` belong to the field
//! tested. A name that resolves to nothing has no symbol; the checker
//! reports it. Everything here works on the syntax tree alone, so a file
//! with type errors still has its names.
//!
//! ```
//! use rulec::symbols::{Symbols, SymbolKind};
//!
//! let source = "fields { sex: one of { female, male } }\n\
//!               inclusion { women: sex = female }";
//! let file = rulec::syntax::parse(source)?;
//! let symbols = Symbols::new(&file, &[]);
//!
//! // What is at the `female` after `=`: the member of `sex`.
//! let at = source.rfind("female").unwrap_or_default();
//! let found = symbols.at(at).expect("a name");
//! let member = symbols.symbol(found.symbol).expect("a symbol");
//! assert_eq!(member.kind, SymbolKind::Member);
//! assert_eq!(member.name, "female");
//!
//! // Every place it is written: its declaration, then the uses.
//! let places: Vec<_> = symbols
//!     .locations(found.symbol)
//!     .map(|(_, span)| &source[span.range()])
//!     .collect();
//! assert_eq!(places, ["female", "female"]);
//! # Ok::<(), rulec::syntax::SyntaxError>(())
//! ```

mod clash;
mod context;
mod outline;
mod walk;

use std::collections::HashMap;

pub use context::{Expected, expected_at};
pub use outline::{Outline, OutlineKind, outline};

use crate::diagnostic::FileRef;
use crate::syntax::{Item, RuleFile, Section, Span, Type};

/// The index of a [`Symbol`] in its [`Symbols`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SymbolId(pub usize);

/// What a name stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// A field of the record, or of a list's element (its `parent` is the
    /// list).
    Field,
    /// `define name: …`
    Define,
    /// A member of a `one of`, `set of` or `ordered` field (its `parent`).
    Member,
    /// A criterion, by its id (its `parent` is its cohort, if any).
    Criterion,
    /// `cohort name …`
    Cohort,
}

/// A declared name.
#[derive(Clone, Debug)]
pub struct Symbol {
    /// What it is.
    pub kind: SymbolKind,
    /// The name.
    pub name: String,
    /// The file it is declared in.
    pub file: FileRef,
    /// The name where it is declared, in that file.
    pub span: Span,
    /// The field of a member, the list of an element's field, the cohort
    /// of a criterion.
    pub parent: Option<SymbolId>,
    /// A field's declared type.
    pub ty: Option<Type>,
    /// A criterion's or cohort's wording in the protocol.
    pub label: Option<String>,
    /// A criterion's section.
    pub section: Option<Section>,
    /// The unit a define is shown in (`define bmi in kg/m2: …`).
    pub unit: Option<String>,
}

impl Symbol {
    /// A field's type as a declaration writes it, in the canonical form
    /// (`umol/L with normal range, molar mass 113.12 g/mol`).
    #[must_use]
    pub fn type_text(&self) -> Option<String> {
        self.ty.as_ref().map(crate::syntax::type_text)
    }

    /// The members a field's type declares, lowest first for `ordered`.
    #[must_use]
    pub fn members(&self) -> Vec<&str> {
        match &self.ty {
            Some(Type::OneOf(m) | Type::SetOf(m) | Type::Ordered(m)) => {
                m.iter().map(|n| n.node.as_str()).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// A name written in the main file, and the symbol it stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// The symbol.
    pub symbol: SymbolId,
    /// Where the name is written.
    pub span: Span,
    /// Whether this is where the symbol is declared.
    pub declaration: bool,
}

/// A unit written in the main file (after a number, in a field's type, in
/// `define … in unit`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitAt {
    /// The unit as written.
    pub text: String,
    /// Where.
    pub span: Span,
}

/// The names of a rule file: every declaration and every use.
#[derive(Clone, Debug, Default)]
pub struct Symbols {
    symbols: Vec<Symbol>,
    /// In the main file, sorted by position.
    occurrences: Vec<Occurrence>,
    units: Vec<UnitAt>,
}

impl Symbols {
    /// The names of `file`; `imports` are the files it `use`s, each parsed,
    /// by the path its `use` writes (their fields are the file's too).
    #[must_use]
    pub fn new(file: &RuleFile, imports: &[(String, RuleFile)]) -> Symbols {
        let mut symbols = Symbols::default();
        let mut scope = walk::Scope::default();
        for (path, imported) in imports {
            let place = FileRef::Import(path.clone());
            for item in &imported.items {
                if let Item::Fields(block) = item {
                    for decl in &block.fields {
                        symbols.declare_field(decl, &place, None, &mut scope);
                    }
                }
            }
        }
        walk::declare(&mut symbols, file, &mut scope);
        walk::resolve(&mut symbols, file, &scope);
        symbols
            .occurrences
            .sort_by_key(|o| (o.span.start, o.span.end));
        symbols.units.sort_by_key(|u| u.span.start);
        symbols
    }

    /// Every declared symbol, by id.
    #[must_use]
    pub fn symbols(&self) -> &[Symbol] {
        &self.symbols
    }

    /// The symbol with this id.
    #[must_use]
    pub fn symbol(&self, id: SymbolId) -> Option<&Symbol> {
        self.symbols.get(id.0)
    }

    /// Every name written in the main file, in source order.
    #[must_use]
    pub fn occurrences(&self) -> &[Occurrence] {
        &self.occurrences
    }

    /// The name at byte `offset` of the main file (one touching it at
    /// either end counts, so that a cursor just after a name finds it).
    #[must_use]
    pub fn at(&self, offset: usize) -> Option<Occurrence> {
        let touches = |span: Span| span.start as usize <= offset && offset <= span.end as usize;
        // A name strictly around the offset wins over one ending at it.
        let mut found = self.occurrences.iter().filter(|o| touches(o.span));
        let first = found.next().copied();
        match found.next() {
            Some(second) if second.span.start as usize == offset => Some(*second),
            _ => first,
        }
    }

    /// The unit written at byte `offset` of the main file.
    #[must_use]
    pub fn unit_at(&self, offset: usize) -> Option<&UnitAt> {
        self.units
            .iter()
            .find(|u| u.span.start as usize <= offset && offset <= u.span.end as usize)
    }

    /// The symbols of a kind, in declaration order.
    pub fn of_kind(&self, kind: SymbolKind) -> impl Iterator<Item = (SymbolId, &Symbol)> {
        self.symbols
            .iter()
            .enumerate()
            .filter(move |(_, s)| s.kind == kind)
            .map(|(i, s)| (SymbolId(i), s))
    }

    /// The first field named `name`: a record field, else a list
    /// element's.
    #[must_use]
    pub fn field(&self, name: &str) -> Option<(SymbolId, &Symbol)> {
        let mut fields = self
            .of_kind(SymbolKind::Field)
            .filter(|(_, s)| s.name == name);
        let first = fields.next()?;
        if first.1.parent.is_none() {
            return Some(first);
        }
        fields.find(|(_, s)| s.parent.is_none()).or(Some(first))
    }

    /// Where the symbol is declared, then every use of it in the main file,
    /// each with its file.
    pub fn locations(&self, id: SymbolId) -> impl Iterator<Item = (FileRef, Span)> + '_ {
        let declared = self.symbol(id).map(|s| (s.file.clone(), s.span));
        let uses = self
            .occurrences
            .iter()
            .filter(move |o| o.symbol == id && !o.declaration)
            .map(|o| (FileRef::Main, o.span));
        declared.into_iter().chain(uses)
    }

    fn push(&mut self, symbol: Symbol) -> SymbolId {
        let id = SymbolId(self.symbols.len());
        if symbol.file == FileRef::Main {
            self.occurrences.push(Occurrence {
                symbol: id,
                span: symbol.span,
                declaration: true,
            });
        }
        self.symbols.push(symbol);
        id
    }

    fn refer(&mut self, symbol: SymbolId, span: Span) {
        self.occurrences.push(Occurrence {
            symbol,
            span,
            declaration: false,
        });
    }

    fn unit(&mut self, text: &str, span: Span) {
        self.units.push(UnitAt {
            text: text.to_owned(),
            span,
        });
    }

    /// Declares a field, its members and, for a list, its element's
    /// fields (in `scope.elements` under the list).
    fn declare_field(
        &mut self,
        decl: &crate::syntax::FieldDecl,
        file: &FileRef,
        parent: Option<SymbolId>,
        scope: &mut walk::Scope,
    ) -> SymbolId {
        let id = self.push(Symbol {
            kind: SymbolKind::Field,
            name: decl.name.node.clone(),
            file: file.clone(),
            span: decl.name.span,
            parent,
            ty: Some(decl.ty.node.clone()),
            label: None,
            section: None,
            unit: None,
        });
        if parent.is_none() {
            scope.fields.entry(decl.name.node.clone()).or_insert(id);
        }
        match &decl.ty.node {
            Type::OneOf(members) | Type::SetOf(members) | Type::Ordered(members) => {
                for member in members {
                    self.push(Symbol {
                        kind: SymbolKind::Member,
                        name: member.node.clone(),
                        file: file.clone(),
                        span: member.span,
                        parent: Some(id),
                        ty: None,
                        label: None,
                        section: None,
                        unit: None,
                    });
                }
            }
            Type::ListOf(inner) => {
                let mut element = HashMap::new();
                for field in inner {
                    let child = self.declare_field(field, file, Some(id), scope);
                    element.entry(field.name.node.clone()).or_insert(child);
                }
                scope.elements.insert(id, element);
            }
            Type::Quantity(q) if *file == FileRef::Main => {
                self.unit(&q.unit.node, q.unit.span);
                if let Some(mass) = &q.molar_mass {
                    self.unit(&mass.node.unit.node, mass.node.unit.span);
                }
                if let Some(scale) = &q.scale {
                    self.unit(&scale.node.unit.node, scale.node.unit.span);
                }
                if let Some(plausible) = &q.plausible {
                    walk::units_in(self, &plausible.node.low);
                    walk::units_in(self, &plausible.node.high);
                }
            }
            _ => {}
        }
        id
    }

    /// The member `name` of the field `field`.
    fn member(&self, field: SymbolId, name: &str) -> Option<SymbolId> {
        self.of_kind(SymbolKind::Member)
            .find(|(_, s)| s.parent == Some(field) && s.name == name)
            .map(|(id, _)| id)
    }
}

#[cfg(test)]
mod tests;
