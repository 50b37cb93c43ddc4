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
    let mut value = 0.0f64;
    for character in whole.chars().chain(fraction.chars()) {
        value = value * 16.0 + f64::from(character.to_digit(16).ok_or(FloatError::Invalid)?);
    }
    let fraction_bits = i32::try_from(fraction.len() * 4).map_err(|_| FloatError::Invalid)?;
    Ok(value * 2f64.powi(exponent.saturating_sub(fraction_bits)))
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
