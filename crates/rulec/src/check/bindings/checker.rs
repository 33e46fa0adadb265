//! The checker of `fhir` blocks: each binding against the fields, code
//! systems and named sets; a `use`d file's blocks on their own, so that
//! their errors point into that file.

use std::collections::HashMap;

use super::{Bindings, Bound, Code, CodeSet, Element, FieldBinding, Resource, SYSTEMS, Selection};
use crate::check::Imports;
use crate::check::diagnostic::{CheckError, ImportError};
use crate::check::program::{Duration, DurationUnit};
use crate::schema::{FieldType, Schema, Slot};
use crate::syntax::{
    self, BindSource, CodeRef, ExprKind, FhirBlock, FhirEntry, Item, MapValue, RuleFile, Span,
};
use crate::units::Unit;

/// The words that say what a list element's field is taken from.
const WORDS: [&str; 6] = ["code", "date", "end", "status", "value", "reason"];

/// The `use` a block came through (its path and the `use` item's span),
/// or `None` for the file's own.
type Imported<'a> = Option<(&'a str, Span)>;

/// The bindings of a file and of the files it `use`s (a site keeps its own
/// binding file beside one trial's rules); `None` when none has a `fhir`
/// block. An imported file's errors are reported at its `use`.
pub(in crate::check) fn check_all(
    imported: &[(&str, Span, RuleFile)],
    file: &RuleFile,
    schema: &Schema,
    imports: &dyn Imports,
    diagnostics: &mut Vec<CheckError>,
) -> Option<Bindings> {
    let blocks_of = |items: &[Item]| -> Vec<FhirBlock> {
        items
            .iter()
            .filter_map(|item| match item {
                Item::Fhir(block) => Some(block.clone()),
                _ => None,
            })
            .collect()
    };
    let mut files: Vec<(Imported<'_>, Vec<FhirBlock>)> = imported
        .iter()
        .map(|(path, at, parsed)| (Some((*path, *at)), blocks_of(&parsed.items)))
        .collect();
    files.push((None, blocks_of(&file.items)));
    let mut bindings: Option<Bindings> = None;
    for (origin, blocks) in &files {
        let refs: Vec<&FhirBlock> = blocks.iter().collect();
        let mut found = Vec::new();
        let checked = check_bindings(&refs, schema, imports, &mut found);
        match origin {
            None => diagnostics.append(&mut found),
            Some((path, at)) => {
                diagnostics.extend(found.into_iter().map(|e| CheckError::InImport {
                    path: (*path).to_owned(),
                    error: Box::new(ImportError::Binding(e)),
                    span: *at,
                }))
            }
        }
        let Some(checked) = checked else {
            continue;
        };
        let all = bindings.get_or_insert_with(Bindings::default);
        for field in checked.fields {
            if all.fields.iter().any(|f| f.slot == field.slot) {
                diagnostics.push(CheckError::Binding {
                    message: format!("`{}` is bound in two files", field.field),
                    span: origin.map_or_else(Span::default, |(_, at)| at),
                    help: Some(
                        "bind each field once: in the rule file or in the file it uses".to_owned(),
                    ),
                });
            } else {
                all.fields.push(field);
            }
        }
    }
    bindings
}

/// Checks the `fhir` blocks of a file; `None` when it has none.
fn check_bindings(
    blocks: &[&FhirBlock],
    schema: &Schema,
    imports: &dyn Imports,
    diagnostics: &mut Vec<CheckError>,
) -> Option<Bindings> {
    if blocks.is_empty() {
        return None;
    }
    let mut checker = Checker {
        sets: HashMap::new(),
        diagnostics,
    };
    for entry in blocks.iter().flat_map(|b| b.entries.iter()) {
        match entry {
            FhirEntry::Codes { name, codes, .. } => {
                if let Some(set) = checker.codes(codes) {
                    checker.define_set(name, set);
                }
            }
            FhirEntry::ValueSet { name, path, .. } => match imports.load(&path.node) {
                Ok(text) => match value_set(&text) {
                    Ok(set) => checker.define_set(name, set),
                    Err(reason) => checker.error(
                        path.span,
                        format!("value set `{}`: {reason}", path.node),
                        None,
                    ),
                },
                Err(reason) => checker.error(
                    path.span,
                    format!("cannot read value set `{}`: {reason}", path.node),
                    None,
                ),
            },
            FhirEntry::Binding(_) => {}
        }
    }
    let mut bindings = Bindings::default();
    let mut bound: HashMap<&str, Span> = HashMap::new();
    for entry in blocks.iter().flat_map(|b| b.entries.iter()) {
        let FhirEntry::Binding(binding) = entry else {
            continue;
        };
        let name = binding.field.node.as_str();
        if let Some(first) = bound.get(name) {
            checker.diagnostics.push(CheckError::Duplicate {
                what: "binding",
                name: name.to_owned(),
                span: binding.field.span,
                first: *first,
            });
            continue;
        }
        bound.insert(name, binding.field.span);
        let Some(slot) = schema.slot(name) else {
            let help = crate::suggest::closest(name, schema.fields.iter().map(|f| f.name.as_str()))
                .map(|c| format!("did you mean `{c}`?"));
            checker.error(binding.field.span, format!("`{name}` is not a field"), help);
            continue;
        };
        let Some(field) = schema.field(slot) else {
            continue;
        };
        if let Some(source) = checker.binding(binding, &field.ty) {
            bindings.fields.push(FieldBinding {
                slot,
                field: name.to_owned(),
                source,
            });
        }
    }
    Some(bindings)
}

/// Reads a FHIR ValueSet's `expansion.contains` (nested), skipping
/// abstract and inactive entries.
fn value_set(text: &str) -> Result<CodeSet, String> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    if json.get("resourceType").and_then(|t| t.as_str()) != Some("ValueSet") {
        return Err("not a FHIR ValueSet".to_owned());
    }
    let contains = json
        .get("expansion")
        .and_then(|e| e.get("contains"))
        .ok_or("it has no `expansion`: expand it with a terminology server first")?;
    let mut codes = Vec::new();
    let mut stack = vec![contains];
    while let Some(list) = stack.pop() {
        for item in list.as_array().into_iter().flatten() {
            if let Some(nested) = item.get("contains") {
                stack.push(nested);
            }
            let flag = |key: &str| item.get(key).and_then(serde_json::Value::as_bool) == Some(true);
            if flag("abstract") || flag("inactive") {
                continue;
            }
            let text = |key: &str| item.get(key).and_then(|v| v.as_str()).map(str::to_owned);
            if let (Some(system), Some(code)) = (text("system"), text("code")) {
                codes.push(Code {
                    system,
                    code,
                    prefix: false,
                });
            }
        }
    }
    if codes.is_empty() {
        return Err("its expansion holds no codes".to_owned());
    }
    Ok(CodeSet { codes, any: false })
}

struct Checker<'a> {
    sets: HashMap<String, CodeSet>,
    diagnostics: &'a mut Vec<CheckError>,
}

impl Checker<'_> {
    fn error(&mut self, span: Span, message: String, help: Option<String>) {
        self.diagnostics.push(CheckError::Binding {
            message,
            span,
            help,
        });
    }

    fn define_set(&mut self, name: &syntax::Name, set: CodeSet) {
        if self.sets.insert(name.node.clone(), set).is_some() {
            self.error(
                name.span,
                format!("code set `{}` is declared twice", name.node),
                None,
            );
        }
    }

    fn codes(&mut self, codes: &[syntax::Code]) -> Option<CodeSet> {
        let mut set = CodeSet::default();
        let mut system: Option<String> = None;
        let mut ok = true;
        for code in codes {
            let text = code.code.node.as_str();
            let (code_system, value) = if let Some(alias) = &code.system {
                match SYSTEMS.iter().find(|(name, _)| *name == alias.node) {
                    Some((_, uri)) => (Some((*uri).to_owned()), text),
                    None => {
                        let help =
                            crate::suggest::closest(&alias.node, SYSTEMS.iter().map(|(n, _)| *n))
                                .map_or_else(
                                    || {
                                        let names: Vec<&str> =
                                            SYSTEMS.iter().map(|(n, _)| *n).collect();
                                        format!(
                                            "the systems are {}; or write \"system|code\"",
                                            names.join(", ")
                                        )
                                    },
                                    |c| format!("did you mean `{c}`?"),
                                );
                        self.error(
                            alias.span,
                            format!("`{}` is not a code system", alias.node),
                            Some(help),
                        );
                        ok = false;
                        continue;
                    }
                }
            } else if let Some((uri, value)) = text.split_once('|') {
                (Some(uri.to_owned()), value)
            } else {
                (system.clone(), text)
            };
            let Some(code_system) = code_system else {
                self.error(
                    code.code.span,
                    format!("code \"{text}\" has no system"),
                    Some(format!(
                        "write its system before it (`loinc \"{text}\"`) or as \"system|{text}\""
                    )),
                );
                ok = false;
                continue;
            };
            let (value, prefix) = match value.strip_suffix('*') {
                Some(stem) => (stem, true),
                None => (value, false),
            };
            if value.is_empty() && !prefix {
                self.error(code.code.span, "an empty code".to_owned(), None);
                ok = false;
                continue;
            }
            system = Some(code_system.clone());
            set.codes.push(Code {
                system: code_system,
                code: value.to_owned(),
                prefix,
            });
        }
        ok.then_some(set)
    }

    fn code_ref(&mut self, codes: &CodeRef) -> Option<CodeSet> {
        match codes {
            CodeRef::Any(_) => Some(CodeSet {
                codes: Vec::new(),
                any: true,
            }),
            CodeRef::Codes(codes) => self.codes(codes),
            CodeRef::Named(name) => self.named(name),
        }
    }

    fn named(&mut self, name: &syntax::Name) -> Option<CodeSet> {
        if let Some(set) = self.sets.get(&name.node) {
            return Some(set.clone());
        }
        let help = crate::suggest::closest(&name.node, self.sets.keys().map(String::as_str))
            .map(|c| format!("did you mean `{c}`?"));
        self.error(
            name.span,
            format!("`{}` is not a code set", name.node),
            help,
        );
        None
    }

    /// A map's entries as members of `members` (`true`/`false` for a bool:
    /// 1 and 0) with their codes.
    fn member_codes(
        &mut self,
        map: &[syntax::MapEntry],
        members: &[String],
        field: &str,
    ) -> Option<Vec<(u32, CodeSet)>> {
        let mut out = Vec::new();
        for entry in map {
            let key = entry.key.node.as_str();
            let Some(index) = members.iter().position(|m| m == key) else {
                let help = crate::suggest::closest(key, members.iter().map(String::as_str))
                    .map_or_else(
                        || format!("the members are {}", members.join(", ")),
                        |c| format!("did you mean `{c}`?"),
                    );
                self.diagnostics.push(CheckError::UnknownMember {
                    member: key.to_owned(),
                    field: field.to_owned(),
                    span: entry.key.span,
                    help,
                });
                return None;
            };
            let set = match &entry.value {
                MapValue::Codes(codes) => self.code_ref(codes)?,
                MapValue::Word { word, map: None } => self.named(word)?,
                MapValue::Word { word, map: Some(_) } => {
                    self.error(
                        word.span,
                        format!("`{key}` takes codes, not `{} {{ … }}`", word.node),
                        None,
                    );
                    return None;
                }
            };
            out.push((u32::try_from(index).ok()?, set));
        }
        Some(out)
    }

    fn binding(&mut self, binding: &syntax::Binding, ty: &FieldType) -> Option<Bound> {
        let field = binding.field.node.as_str();
        let select = match &binding.source {
            BindSource::Patient(element) => {
                let (bound, fits) = match element.node.as_str() {
                    "birthDate" => (Bound::BirthDate, matches!(ty, FieldType::Date)),
                    "gender" => (Bound::Gender, matches!(ty, FieldType::OneOf(_))),
                    "deceased" => (Bound::Deceased, matches!(ty, FieldType::Bool)),
                    other => {
                        let help = crate::suggest::closest(
                            other,
                            ["birthDate", "gender", "deceased"].into_iter(),
                        )
                        .map(|c| format!("did you mean `Patient.{c}`?"));
                        self.error(
                            element.span,
                            format!("rulec reads no `Patient.{other}`"),
                            help,
                        );
                        return None;
                    }
                };
                if !fits {
                    let needs = match bound {
                        Bound::BirthDate => "a `date` field",
                        Bound::Gender => "a `one of` field whose members are FHIR genders",
                        _ => "a `bool` field",
                    };
                    self.error(
                        element.span,
                        format!(
                            "`Patient.{}` fills {needs}; `{field}` is not one",
                            element.node
                        ),
                        None,
                    );
                    return None;
                }
                return Some(bound);
            }
            BindSource::Select(select) => select,
        };
        let mut resources = Vec::new();
        for name in &select.resources {
            match Resource::from_name(&name.node) {
                Some(r) => resources.push(r),
                None => {
                    let help = crate::suggest::closest(
                        &name.node,
                        Resource::ALL.iter().map(|r| r.as_str()),
                    )
                    .map(|c| format!("did you mean `{c}`?"));
                    self.error(
                        name.span,
                        format!("rulec reads no `{}` resources", name.node),
                        help,
                    );
                    return None;
                }
            }
        }
        let observation = resources.contains(&Resource::Observation);
        if observation && resources.len() > 1 {
            self.error(
                select.span,
                "an Observation binding reads Observations only".to_owned(),
                None,
            );
            return None;
        }
        let within = match &select.window {
            Some(syntax::BindWindow {
                within: Some(e), ..
            }) => Some(self.window(e)?),
            _ => None,
        };
        let codes = match &select.what {
            Some(what) => self.code_ref(what)?,
            None => CodeSet {
                codes: Vec::new(),
                any: true,
            },
        };
        let component = match &select.component {
            Some(_) if !observation => {
                self.error(
                    select.span,
                    "only an Observation has components".to_owned(),
                    None,
                );
                return None;
            }
            Some(c) => Some(self.code_ref(c)?),
            None => None,
        };
        let selection = Selection {
            resources,
            codes,
            component,
            within,
            statuses: binding
                .status
                .iter()
                .flatten()
                .map(|s| s.node.clone())
                .collect(),
        };
        if let Some(range) = &binding.fallback {
            let FieldType::Quantity {
                unit,
                normal_range: true,
                ..
            } = ty
            else {
                self.error(
                    range.span,
                    format!("`{field}` has no normal range to fall back on"),
                    Some("declare it `with normal range`".to_owned()),
                );
                return None;
            };
            let fallback = crate::check::items::plausible_range(
                &range.node,
                range.span,
                unit,
                self.diagnostics,
            )?;
            if !observation || select.every {
                self.error(
                    range.span,
                    "a fallback range applies to one Observation's value".to_owned(),
                    None,
                );
                return None;
            }
            return Some(Bound::Latest {
                select: selection,
                values: Vec::new(),
                fallback: Some(fallback),
            });
        }
        let map = select.map.as_deref();
        let no_map = |this: &mut Self| {
            if let Some(entry) = map.and_then(|m| m.first()) {
                this.error(entry.key.span, format!("`{field}` takes no map"), None);
                return false;
            }
            true
        };
        if select.every {
            let FieldType::ListOf(elements) = ty else {
                self.error(
                    select.span,
                    format!("`every` fills a list field; `{field}` is not one"),
                    None,
                );
                return None;
            };
            let entries = map.unwrap_or_default();
            let mut out = Vec::new();
            for entry in entries {
                out.push(self.element(entry, elements, observation)?);
            }
            return Some(Bound::Every {
                select: selection,
                elements: out,
            });
        }
        let bools = ["false".to_owned(), "true".to_owned()];
        match ty {
            FieldType::ListOf(_) => {
                self.error(
                    select.span,
                    format!("`{field}` is a list: bind it with `every`"),
                    None,
                );
                None
            }
            FieldType::SetOf(members) => {
                let Some(map) = map else {
                    self.error(select.span, format!("`{field}` is a set: map its members to codes (`{{ member: codes, … }}`)"), None);
                    return None;
                };
                let members = self.member_codes(map, members, field)?;
                Some(Bound::Members {
                    select: selection,
                    members,
                })
            }
            FieldType::Bool if !observation => {
                if !no_map(self) {
                    return None;
                }
                let codes = selection.codes.clone();
                Some(Bound::Members {
                    select: selection,
                    members: vec![(1, codes)],
                })
            }
            FieldType::Bool | FieldType::OneOf(_) | FieldType::Ordered(_) => {
                let members = match ty {
                    FieldType::OneOf(members) | FieldType::Ordered(members) => members.as_slice(),
                    _ => &bools,
                };
                let values = match map {
                    Some(map) => self.member_codes(map, members, field)?,
                    None if matches!(ty, FieldType::OneOf(_) | FieldType::Ordered(_)) => {
                        self.error(select.span, format!("map the members of `{field}` to the codes of the Observation's value"), None);
                        return None;
                    }
                    None => Vec::new(),
                };
                Some(Bound::Latest {
                    select: selection,
                    values,
                    fallback: None,
                })
            }
            _ if !observation => {
                self.error(
                    select.span,
                    format!("`{field}` takes a value: bind it to an Observation"),
                    None,
                );
                None
            }
            _ => no_map(self).then_some(Bound::Latest {
                select: selection,
                values: Vec::new(),
                fallback: None,
            }),
        }
    }

    fn element(
        &mut self,
        entry: &syntax::MapEntry,
        elements: &Schema,
        observation: bool,
    ) -> Option<(Slot, Element)> {
        let key = entry.key.node.as_str();
        let Some(slot) = elements.slot(key) else {
            let help =
                crate::suggest::closest(key, elements.fields.iter().map(|f| f.name.as_str()))
                    .map(|c| format!("did you mean `{c}`?"));
            self.error(
                entry.key.span,
                format!("the list's elements have no field `{key}`"),
                help,
            );
            return None;
        };
        let ty = &elements.field(slot)?.ty;
        let MapValue::Word { word, map } = &entry.value else {
            self.error(
                entry.key.span,
                format!("`{key}` takes `code {{ … }}`, `date`, `end`, `status`, `value` or `reason {{ … }}`"),
                None,
            );
            return None;
        };
        let bools = ["false".to_owned(), "true".to_owned()];
        let element = match (word.node.as_str(), ty, map) {
            ("code", FieldType::OneOf(members) | FieldType::Ordered(members), Some(map)) => {
                Element::Code(self.member_codes(map, members, key)?)
            }
            ("reason", FieldType::Bool, Some(map)) => {
                Element::Reason(self.member_codes(map, &bools, key)?)
            }
            ("date", FieldType::Date, None) => Element::Date,
            ("end", FieldType::Date, None) => Element::End,
            ("status", FieldType::Text | FieldType::OneOf(_) | FieldType::Ordered(_), None) => {
                Element::Status
            }
            (
                "value",
                FieldType::Quantity { .. } | FieldType::Number | FieldType::Integer { .. },
                None,
            ) if observation => Element::Value,
            (other, _, _) => {
                let help = crate::suggest::closest(other, WORDS.into_iter())
                    .map(|c| format!("did you mean `{c}`?"));
                self.error(
                    word.span,
                    format!("`{key}: {other}` is not a way to fill `{key}`: `code {{ … }}` fills a `one of`, `reason {{ true: …, false: … }}` a bool, `date` and `end` a date, `status` a text or a `one of`, `value` an Observation's quantity"),
                    help,
                );
                return None;
            }
        };
        Some((slot, element))
    }

    fn window(&mut self, e: &syntax::Expr) -> Option<Duration> {
        let ExprKind::Quantity(q) = &e.node else {
            self.error(
                e.span,
                "a window is a duration such as `14 days`".to_owned(),
                None,
            );
            return None;
        };
        let unit = Unit::parse(&q.unit.node).ok();
        let unit = match unit.as_ref().map(Unit::ucum) {
            Some("a") => DurationUnit::Years,
            Some("mo") => DurationUnit::Months,
            Some("wk") => DurationUnit::Weeks,
            Some("d") => DurationUnit::Days,
            Some("h") => DurationUnit::Hours,
            _ => {
                self.error(
                    q.unit.span,
                    format!("`{}` is not a unit a window is counted in", q.unit.node),
                    Some("use years, months, weeks, days or hours".to_owned()),
                );
                return None;
            }
        };
        let amount = q.value.to_f64().filter(|a| a.is_finite() && *a >= 0.0)?;
        Some(Duration { amount, unit })
    }
}
