//! Base-36 encoding of a parsed hexadecimal integer.
use crate::StringError;
use crate::hex::{HexInt, Magnitude, parse_hex_bytes, parse_hex_str, plain_u128};
use crate::radix::{ALPHABET, Base36, Radix, digits_capacity, write_digits};
use crate::small_str::SmallStr;

/// `base36_encode` of `str` input: parse as `int(hex_str, 16)`, then write the value in base 36
/// (digits `0-9a-z`, no prefix; zero gives `"0"`).
///
/// Errors: [`StringError::InvalidHexLiteral`] where `int()` would raise `ValueError`, and
/// [`StringError::NegativeValue`] for a value below zero.
pub fn base36_encode(hex_str: &str) -> Result<SmallStr, StringError> {
    // Bare hex digits (a uuid's `.hex`) skip the general parser: no `HexInt` is built.
    if let Some(value) = plain_u128(hex_str.as_bytes()) {
        return Ok(encode_u128(value));
    }
    encode(&parse_hex_str(hex_str)?)
}

/// `base36_encode` of `bytes` input (ASCII whitespace only, no Unicode digits).
pub fn base36_encode_bytes(hex_bytes: &[u8]) -> Result<SmallStr, StringError> {
    if let Some(value) = plain_u128(hex_bytes) {
        return Ok(encode_u128(value));
    }
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

/// 36^12, the largest power of 36 below 2^64: the chunk of digits a `u64` can hold.
const CHUNK12: u64 = 4_738_381_338_321_616_896;

/// The base-36 digits of `n`; zero gives `"0"`.
///
/// One 128-bit division per 12 digits (none below 2^64); each digit pair is a `u64` division
/// by a constant, which compiles to a multiplication.
pub(crate) fn encode_u128(n: u128) -> SmallStr {
    // u128::MAX has 25 base-36 digits.
    let mut buf = [0u8; 25];
    let mut pos = buf.len();
    let mut rest = n;
    let mut head = loop {
        if let Ok(small) = u64::try_from(rest) {
            break small;
        }
        let quotient = rest / u128::from(CHUNK12);
        let mut chunk = (rest - quotient * u128::from(CHUNK12)) as u64;
        for _ in 0..6 {
            pos -= 2;
            buf[pos..pos + 2].copy_from_slice(pair(chunk % 1296));
            chunk /= 1296;
        }
        rest = quotient;
    };
    while head >= 36 {
        pos -= 2;
        buf[pos..pos + 2].copy_from_slice(pair(head % 1296));
        head /= 1296;
        if head == 0 {
            // The pair's leading digit may be a zero to drop.
            if buf[pos] == b'0' {
                pos += 1;
            }
            return SmallStr::from_ascii(&buf[pos..]);
        }
    }
    pos -= 1;
    buf[pos] = ALPHABET[head as usize];
    SmallStr::from_ascii(&buf[pos..])
}

/// The two base-36 digits of `value` (below 36^2).
fn pair(value: u64) -> &'static [u8] {
    let i = 2 * value as usize;
    &Base36::PAIRS[i..i + 2]
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
        // The edges of a digit pair and of a 12-digit chunk.
        for digits in [1, 2, 3, 12, 13, 24] {
            let power = 36u128.pow(digits);
            let zeros = "0".repeat(digits as usize);
            assert_eq!(encode_u128(power).as_str(), format!("1{zeros}"));
            assert_eq!(encode_u128(power - 1).as_str(), "z".repeat(digits as usize));
        }
        assert_eq!(encode_u128(u128::from(CHUNK12) * 35 + 1), "z000000000001");
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
