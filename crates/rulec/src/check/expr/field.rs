//! A declared field as the checker types it: a condition, a number with
//! its unit and what it carries (range, molar mass, scale), a date, or
//! a field of members, text or elements.

use super::*;

pub(super) fn field_typed(f: &Field, field: FieldRef) -> Typed {
    let info = |range, normal_range, molar_mass, scale| FieldInfo {
        name: f.name.clone(),
        field,
        range,
        normal_range,
        molar_mass,
        scale,
    };
    match &f.ty {
        FieldType::Bool => Typed::Cond(Cond::Field(field)),
        FieldType::Integer { min, max } => Typed::Num(NumTyped {
            num: Num::Field {
                field,
                conversion: Conversion::IDENTITY,
            },
            unit: None,
            origin: Origin::Field(Box::new(info(Some((*min, *max)), false, None, None))),
        }),
        FieldType::Number => Typed::Num(NumTyped {
            num: Num::Field {
                field,
                conversion: Conversion::IDENTITY,
            },
            unit: None,
            origin: Origin::Field(Box::new(info(None, false, None, None))),
        }),
        FieldType::Quantity {
            unit,
            normal_range,
            molar_mass,
            scale,
            ..
        } => Typed::Num(NumTyped {
            num: Num::Field {
                field,
                conversion: Conversion::IDENTITY,
            },
            unit: Some(unit.clone()),
            origin: Origin::Field(Box::new(info(
                None,
                *normal_range,
                molar_mass.clone(),
                scale.clone(),
            ))),
        }),
        FieldType::Date => Typed::Date(DateVal::Field(field)),
        FieldType::Text => Typed::Text { field },
        FieldType::OneOf(members) => Typed::Enum {
            field,
            name: f.name.clone(),
            members: members.clone(),
            ordered: false,
        },
        FieldType::Ordered(members) => Typed::Enum {
            field,
            name: f.name.clone(),
            members: members.clone(),
            ordered: true,
        },
        FieldType::SetOf(members) => Typed::Set {
            field,
            name: f.name.clone(),
            members: members.clone(),
        },
        FieldType::ListOf(_) => Typed::List {
            field,
            name: f.name.clone(),
        },
    }
}
