//! Numbers as flatc reads them: integers (decimal or `0x` hex, optional sign, leading
//! zeros are decimal) and floats (decimal, `0x…p…` hex, `inf`/`infinity`/`nan` in any
//! case, optional sign). Used for token text and for the contents of quoted defaults.

/// The value of an integer literal; `None` if the text is not one. Values beyond
/// `i128` saturate, so range checks still reject them.
pub fn parse_integer(text: &str) -> Option<i128> {
    let (negative, unsigned) = split_sign(text);
    let (digits, radix) = match unsigned
        .strip_prefix("0x")
        .or_else(|| unsigned.strip_prefix("0X"))
    {
        Some(hex) => (hex, 16),
        None => (unsigned, 10),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: i128 = 0;
    for character in digits.chars() {
        let digit = character.to_digit(radix)?;
        value = value
            .saturating_mul(i128::from(radix))
            .saturating_add(i128::from(digit));
    }
    Some(if negative { -value } else { value })
}

/// Why a text is not a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatError {
    Invalid,
    /// `0x10` as a float: flatc requires the binary exponent of a hex float.
    HexWithoutExponent,
}

/// The value of a float literal (an integer literal is a float too, hex needs `p`).
pub fn parse_float(text: &str) -> Result<f64, FloatError> {
    let (negative, unsigned) = split_sign(text);
    let magnitude = match unsigned
        .strip_prefix("0x")
        .or_else(|| unsigned.strip_prefix("0X"))
    {
        Some(hex) => parse_hex_float(hex)?,
        None => parse_decimal_float(unsigned)?,
    };
    Ok(if negative { -magnitude } else { magnitude })
}

fn split_sign(text: &str) -> (bool, &str) {
    match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    }
}

fn parse_decimal_float(text: &str) -> Result<f64, FloatError> {
    let special = ["inf", "infinity", "nan"]
        .iter()
        .any(|word| text.eq_ignore_ascii_case(word));
    let well_formed = special
        || (text
            .bytes()
            .next()
            .is_some_and(|first| first.is_ascii_digit() || first == b'.')
            && text.bytes().any(|byte| byte.is_ascii_digit()));
    if !well_formed {
        return Err(FloatError::Invalid);
    }
    text.parse::<f64>().map_err(|_| FloatError::Invalid)
}

/// `h.hhhp±d` without the `0x`: mantissa digits times two to the exponent.
fn parse_hex_float(text: &str) -> Result<f64, FloatError> {
    let Some((mantissa, exponent)) = text.split_once(['p', 'P']) else {
        return Err(
            if !text.is_empty() && text.chars().all(|character| character.is_ascii_hexdigit()) {
                FloatError::HexWithoutExponent
            } else {
                FloatError::Invalid
            },
        );
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() && fraction.is_empty() {
        return Err(FloatError::Invalid);
    }
    let exponent: i32 = parse_integer(exponent)
        .and_then(|value| i32::try_from(value).ok())
        .ok_or(FloatError::Invalid)?;
    // Only the first 16 significant digits (64 bits, more than an `f64` holds) enter the
    // mantissa; each later one scales the exponent instead. Accumulating them all would
    // overflow to infinity on a long mantissa, and infinity times a small power is NaN.
    let mut mantissa_value = 0u64;
    let mut significant = 0usize;
    let mut binary_exponent = i64::from(exponent);
    for (position, character) in whole.chars().chain(fraction.chars()).enumerate() {
        let digit = character.to_digit(16).ok_or(FloatError::Invalid)?;
        let in_fraction = position >= whole.len();
        if significant == 0 && digit == 0 {
            if in_fraction {
                binary_exponent -= 4;
            }
            continue;
        }
        if significant < 16 {
            mantissa_value = mantissa_value * 16 + u64::from(digit);
            significant += 1;
            if in_fraction {
                binary_exponent -= 4;
            }
        } else if !in_fraction {
            binary_exponent += 4;
        }
    }
    // Two halves, so that neither power over- or underflows when the product would not.
    let half = binary_exponent / 2;
    let scale =
        |power: i64| 2f64.powi(i32::try_from(power).unwrap_or(if power < 0 { i32::MIN } else { i32::MAX }));
    #[expect(
        clippy::cast_precision_loss,
        reason = "rounding to the nearest `f64` is the point"
    )]
    let value = mantissa_value as f64;
    Ok(value * scale(half) * scale(binary_exponent - half))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        let cases = [
            ("0", Some(0)),
            ("007", Some(7)),
            ("-0x10", Some(-16)),
            ("+0XaB", Some(171)),
            ("18446744073709551615", Some(18_446_744_073_709_551_615)),
            ("0x", None),
            ("1.5", None),
            ("", None),
            ("-", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_integer(text), expected, "{text}");
        }
    }

    #[test]
    fn floats() {
        let cases = [
            ("1.5", Ok(1.5)),
            (".5", Ok(0.5)),
            ("1.", Ok(1.0)),
            ("-2E-2", Ok(-0.02)),
            ("3", Ok(3.0)),
            ("0x1p3", Ok(8.0)),
            ("0x1.8p-1", Ok(0.75)),
            ("0x0.001p12", Ok(1.0)),
            ("0x00010p0", Ok(16.0)),
            // 16^300 overflows an `f64`, times 2^-2000 it does not.
            (
                &format!("0x1{}p-2000", "0".repeat(300)),
                Ok(2f64.powi(1200 - 2000)),
            ),
            ("0x1.00000000000000000001p0", Ok(1.0)),
            ("-Infinity", Ok(f64::NEG_INFINITY)),
            ("INF", Ok(f64::INFINITY)),
            ("0x10", Err(FloatError::HexWithoutExponent)),
            ("abc", Err(FloatError::Invalid)),
            ("e5", Err(FloatError::Invalid)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_float(text), expected, "{text}");
        }
        assert!(parse_float("-nan").is_ok_and(f64::is_nan));
    }
}
