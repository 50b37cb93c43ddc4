//! Default values of scalar table fields, evaluated as flatc 2.0.8 does.
//!
//! What flatc accepts (each checked against flatc 2.0.8):
//! - integer fields: integer literals (`0x` hex, sign, leading zeros are decimal) within
//!   the type's range; a float literal is rejected;
//! - `bool`: `true`/`false` or an integer in `0..=255` (flatc checks a byte's range and
//!   stores the number as written);
//! - float fields: integer or float literals, `inf`/`infinity`/`nan` with any case and
//!   sign, hex floats only with a `p` exponent; the value is the `f64` of the text (no
//!   rounding to `f32`), and `-0.0` is `0.0` (the `.bfbs` cannot tell them apart);
//! - enum fields: a value name, or an integer; unless the enum is `bit_flags` the result
//!   must be one of its values (also the implicit `0` of a field without default);
//! - a quoted default holds the same forms, trimmed of spaces, and additionally several
//!   space-separated names OR-ed together; on a plain integer field the names must be
//!   qualified as `Enum.Value` (qualified names are only accepted quoted);
//! - `null` makes the scalar optional.

use std::borrow::Cow;

use crate::fbs::literal::{FloatError, parse_float, parse_integer};
use crate::fbs::syntax::LiteralKind;
use crate::model::{DefaultValue, Scalar};

/// The enum a field is typed with, as the default evaluation needs it.
pub struct EnumInfo<'a> {
    pub name: &'a str,
    pub underlying: Scalar,
    pub bit_flags: bool,
    /// Value names and values.
    pub values: &'a [(String, i64)],
}

/// Resolves `Enum` of a quoted `"Enum.Value"` from the field's namespace.
pub type EnumLookup<'a> = dyn Fn(&str) -> Option<EnumInfo<'a>> + 'a;

/// The field's scalar type, with its enum if it has one.
pub struct Target<'a> {
    pub scalar: Scalar,
    pub enumeration: Option<EnumInfo<'a>>,
}

/// Evaluates a default literal (`text` as written, quotes included for strings).
pub fn evaluate(
    target: &Target<'_>,
    kind: LiteralKind,
    text: &str,
    lookup: &EnumLookup<'_>,
) -> Result<DefaultValue, String> {
    if kind == LiteralKind::Identifier && text == "null" {
        return Ok(DefaultValue::Null);
    }
    let value = if target.scalar.is_float() {
        let text = match kind {
            LiteralKind::String => unquote(text),
            _ => Cow::Borrowed(text),
        };
        evaluate_float(text.trim(), kind)?
    } else {
        let value = match kind {
            LiteralKind::Integer => parse_integer(text).ok_or_else(|| format!("invalid integer `{text}`"))?,
            LiteralKind::Float => {
                return Err(format!(
                    "a field of type `{}` cannot default to the float `{text}`",
                    target.scalar.fbs_name()
                ));
            }
            LiteralKind::Identifier => evaluate_words(target, text, lookup)?,
            LiteralKind::String => {
                let contents = unquote(text);
                let contents = contents.trim();
                match parse_integer(contents) {
                    Some(value) => value,
                    None => evaluate_words(target, contents, lookup)?,
                }
            }
        };
        check_range(target, value)?
    };
    Ok(value)
}

/// The default of a scalar field declared without one.
pub fn implicit(target: &Target<'_>) -> Result<DefaultValue, String> {
    if target.scalar.is_float() {
        Ok(DefaultValue::Float(0.0))
    } else {
        check_range(target, 0)
    }
}

fn unquote(text: &str) -> Cow<'_, str> {
    crate::fbs::lexer::unescape(text)
}

fn evaluate_float(text: &str, kind: LiteralKind) -> Result<DefaultValue, String> {
    match parse_float(text) {
        // `-0.0` compares equal to `0.0`, which is what the `.bfbs` then holds.
        Ok(value) => Ok(DefaultValue::Float(if value == 0.0 { 0.0 } else { value })),
        Err(FloatError::HexWithoutExponent) => Err(format!(
            "the hexadecimal float `{text}` needs a binary exponent such as `p0` (flatc requires one)"
        )),
        Err(FloatError::Invalid) if kind == LiteralKind::Identifier => Err(format!(
            "`{text}` is not a float value (expected a number, `inf` or `nan`)"
        )),
        Err(FloatError::Invalid) => Err(format!("invalid float `{text}`")),
    }
}

/// Space-separated words: `true`/`false` for `bool`, value names for enum fields,
/// `Enum.Value` names for plain integer fields; several words are OR-ed together.
fn evaluate_words(target: &Target<'_>, text: &str, lookup: &EnumLookup<'_>) -> Result<i128, String> {
    if target.scalar == Scalar::Bool {
        return match text {
            "true" => Ok(1),
            "false" => Ok(0),
            _ => Err(format!(
                "`{text}` is not a bool value (expected `true`, `false` or a number)"
            )),
        };
    }
    let mut words = text.split(' ').filter(|word| !word.is_empty()).peekable();
    if words.peek().is_none() {
        return Err("an empty string is not a number".to_owned());
    }
    let mut result: i128 = 0;
    for word in words {
        let value = match &target.enumeration {
            Some(enumeration) => value_of(enumeration, word)?,
            None => {
                let Some((enum_name, value_name)) = word.split_once('.') else {
                    return Err(format!(
                        "`{word}` on a field of type `{}`: an enum value there must be quoted and qualified, \
                         as in `\"Color.Red\"`",
                        target.scalar.fbs_name()
                    ));
                };
                let enumeration = lookup(enum_name).ok_or_else(|| format!("unknown enum `{enum_name}`"))?;
                value_of(&enumeration, value_name)?
            }
        };
        result |= value;
    }
    Ok(result)
}

fn value_of(enumeration: &EnumInfo<'_>, name: &str) -> Result<i128, String> {
    enumeration
        .values
        .iter()
        .find(|(value_name, _)| value_name == name)
        .map(|(_, value)| match enumeration.underlying {
            // Stored as the bit pattern of the unsigned value.
            Scalar::ULong => i128::from(value.cast_unsigned()),
            _ => i128::from(*value),
        })
        .ok_or_else(|| format!("`{name}` is not a value of enum `{}`", enumeration.name))
}

/// The range flatc accepts for a default of that type (`bool` is checked as a byte).
pub fn integer_range(scalar: Scalar) -> (i128, i128) {
    match scalar {
        Scalar::Byte => (i128::from(i8::MIN), i128::from(i8::MAX)),
        Scalar::Bool | Scalar::UByte => (0, i128::from(u8::MAX)),
        Scalar::Short => (i128::from(i16::MIN), i128::from(i16::MAX)),
        Scalar::UShort => (0, i128::from(u16::MAX)),
        Scalar::Int => (i128::from(i32::MIN), i128::from(i32::MAX)),
        Scalar::UInt => (0, i128::from(u32::MAX)),
        Scalar::Long | Scalar::Float | Scalar::Double => (i128::from(i64::MIN), i128::from(i64::MAX)),
        Scalar::ULong => (0, i128::from(u64::MAX)),
    }
}

/// An `i64` holding the value; `ulong` values above `i64::MAX` keep their bit pattern.
pub fn to_i64(value: i128) -> i64 {
    i64::try_from(value).unwrap_or_else(|_| u64::try_from(value).map_or(0, u64::cast_signed))
}

fn check_range(target: &Target<'_>, value: i128) -> Result<DefaultValue, String> {
    let (min, max) = integer_range(target.scalar);
    if value < min || value > max {
        return Err(format!(
            "default value {value} does not fit in `{}` ({min}..={max})",
            target.scalar.fbs_name()
        ));
    }
    let value = to_i64(value);
    if let Some(enumeration) = &target.enumeration
        && !enumeration.bit_flags
        && !enumeration.values.iter().any(|(_, declared)| *declared == value)
    {
        return Err(format!(
            "default value {value} is not a value of enum `{}` (flatc requires one; declare a value for it \
             or give the field a default)",
            enumeration.name
        ));
    }
    Ok(DefaultValue::Integer(value))
}
