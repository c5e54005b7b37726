//! Base-36 encoding of a parsed hexadecimal integer.
use crate::StringError;
use crate::hex::{HexInt, Magnitude, parse_hex_bytes, parse_hex_str};
use crate::radix::{Base36, digits_capacity, u128_limbs, write_digits};
use crate::small_str::SmallStr;

/// `base36_encode` of `str` input: parse as `int(hex_str, 16)`, then write the value in base 36
/// (digits `0-9a-z`, no prefix; zero gives `"0"`).
///
/// Errors: [`StringError::InvalidHexLiteral`] where `int()` would raise `ValueError`, and
/// [`StringError::NegativeValue`] for a value below zero.
pub fn base36_encode(hex_str: &str) -> Result<SmallStr, StringError> {
    encode(&parse_hex_str(hex_str)?)
}

/// `base36_encode` of `bytes` input (ASCII whitespace only, no Unicode digits).
pub fn base36_encode_bytes(hex_bytes: &[u8]) -> Result<SmallStr, StringError> {
    encode(&parse_hex_bytes(hex_bytes)?)
}

/// The base-36 digits of a parsed value; zero gives `"0"`.
pub(crate) fn encode(value: &HexInt) -> Result<SmallStr, StringError> {
    if value.is_negative() {
        return Err(StringError::NegativeValue);
    }
    Ok(match value.magnitude() {
        Magnitude::Small(n) => encode_u128(*n),
        Magnitude::Big(limbs) => {
            let mut limbs = limbs.clone();
            let mut buf = vec![0u8; digits_capacity(limbs.len())];
            let start = write_digits::<Base36>(&mut limbs, &mut buf);
            buf.drain(..start);
            // Only ASCII digits were written.
            SmallStr::from(String::from_utf8(buf).unwrap_or_default())
        }
    })
}

/// The base-36 digits of `n`; zero gives `"0"`.
pub(crate) fn encode_u128(n: u128) -> SmallStr {
    let mut limbs = u128_limbs(n);
    // digits_capacity(4) == 43, comfortably above the 25 digits of u128::MAX.
    let mut buf = [0u8; 43];
    let start = write_digits::<Base36>(&mut limbs, &mut buf);
    // Only ASCII digits were written.
    SmallStr::concat(&[std::str::from_utf8(&buf[start..]).unwrap_or_default()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b36(hex: &str) -> String {
        base36_encode(hex).map_or_else(|e| format!("error: {e}"), |b| b.to_string())
    }

    #[test]
    fn small_values() {
        assert_eq!(encode_u128(0), "0");
        assert_eq!(encode_u128(35), "z");
        assert_eq!(encode_u128(36), "10");
        assert_eq!(encode_u128(255), "73");
        assert_eq!(encode_u128(u128::from(u64::MAX)), "3w5e11264sgsf");
        assert_eq!(encode_u128(u128::MAX), "f5lxx1zz5pnorynqglhzmsp33");
        assert_eq!(encode_u128(u128::from(u64::MAX) + 1), "3w5e11264sgsg");
    }

    #[test]
    fn via_strings() {
        assert_eq!(b36("ff"), "73");
        assert_eq!(b36("-0"), "0");
        assert_eq!(
            base36_encode("-ff").map(|_| ()),
            Err(StringError::NegativeValue)
        );
        assert_eq!(
            base36_encode_bytes(b"0xFF").map(|b| b.to_string()),
            Ok("73".into())
        );
        assert_eq!(
            base36_encode("zz").map(|_| ()),
            Err(StringError::InvalidHexLiteral)
        );
    }

    #[test]
    fn big_values() {
        // 2^128, just past the u128 path; checked against Python's arithmetic.
        assert_eq!(
            b36("1_00000000_00000000_00000000_00000000"),
            "f5lxx1zz5pnorynqglhzmsp34"
        );
        assert_eq!(
            b36(&"f".repeat(300)),
            "1hpu3c66apv89thew15mb03x4dv9yodjjr5hqm0oddvowgv64dwq4vzbp0r06381pcxm3aoebxxw5ymtnddc0081eolzry14tjswt0fdr9k4wakze59o6ffox4ysdtoa73y6pupgdw3ykgigtf0s30mnk6bh35rl3v7q469h9wo4ngddz277rdkt560ytvuu6qivx2bcjtzp085eal7hlqzx8cd89z2yrby2dj75r"
        );
    }
}
