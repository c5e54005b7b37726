//! Base-36 encoding of a parsed hexadecimal integer.
use std::fmt;

use crate::StringError;
use crate::hex::{HexInt, Magnitude, parse_hex_bytes, parse_hex_str};

const ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
/// Enough for `u128::MAX` (25 base-36 digits).
const INLINE_CAPACITY: usize = 25;
/// 36^12, the largest power of 36 below `u64::MAX`.
const CHUNK_U64: u64 = 36u64.pow(12);
/// 36^6, the largest power of 36 below `u32::MAX`: the divisor for the limb arithmetic.
const CHUNK_U32: u32 = 36u32.pow(6);

/// A base-36 string: inline for anything up to a `u128`, on the heap beyond.
#[derive(Clone)]
pub struct Base36(Repr);

#[derive(Clone)]
enum Repr {
    /// Digits right-aligned in the buffer, starting at the index.
    Inline([u8; INLINE_CAPACITY], usize),
    Heap(String),
}

impl Base36 {
    /// The digits, `0-9a-z`, most significant first.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Only ALPHABET bytes are ever written, so this is always valid UTF-8.
            Repr::Inline(buf, start) => std::str::from_utf8(&buf[*start..]).unwrap_or_default(),
            Repr::Heap(s) => s,
        }
    }
}

impl fmt::Display for Base36 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Base36 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq<&str> for Base36 {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// `base36_encode` of `str` input: parse as `int(hex_str, 16)`, then write the value in base 36.
///
/// Errors: [`StringError::InvalidHexLiteral`] where `int()` would raise `ValueError`, and
/// [`StringError::NegativeValue`] for a value below zero.
pub fn base36_encode(hex_str: &str) -> Result<Base36, StringError> {
    encode(&parse_hex_str(hex_str)?)
}

/// `base36_encode` of `bytes` input (ASCII whitespace only, no Unicode digits).
pub fn base36_encode_bytes(hex_bytes: &[u8]) -> Result<Base36, StringError> {
    encode(&parse_hex_bytes(hex_bytes)?)
}

/// The base-36 digits of a parsed value; zero gives `"0"`.
pub fn encode(value: &HexInt) -> Result<Base36, StringError> {
    if value.is_negative() {
        return Err(StringError::NegativeValue);
    }
    Ok(match value.magnitude() {
        Magnitude::Small(n) => encode_u128(*n),
        Magnitude::Big(limbs) => Base36(Repr::Heap(encode_limbs(limbs.clone()))),
    })
}

/// The base-36 digits of `n`; zero gives `"0"`.
pub fn encode_u128(mut n: u128) -> Base36 {
    let mut buf = [b'0'; INLINE_CAPACITY];
    let mut start = INLINE_CAPACITY;
    // Peel 12 digits at a time with 128-bit division until the rest fits a u64.
    while n > u128::from(u64::MAX) {
        let chunk = (n % u128::from(CHUNK_U64)) as u64;
        n /= u128::from(CHUNK_U64);
        start = write_digits(&mut buf[..start], chunk, 12);
    }
    let mut low = n as u64;
    loop {
        start -= 1;
        buf[start] = ALPHABET[(low % 36) as usize];
        low /= 36;
        if low == 0 {
            break;
        }
    }
    Base36(Repr::Inline(buf, start))
}

/// Writes exactly `count` digits of `chunk` (zero-padded) right-aligned into `buf`; returns the
/// index of the first written digit.
fn write_digits(buf: &mut [u8], mut chunk: u64, count: usize) -> usize {
    let end = buf.len();
    for slot in buf[end - count..].iter_mut().rev() {
        *slot = ALPHABET[(chunk % 36) as usize];
        chunk /= 36;
    }
    end - count
}

/// Base 36 of a big magnitude (little-endian limbs, top limb non-zero) by repeated division by 36^6.
fn encode_limbs(mut limbs: Vec<u32>) -> String {
    // Each 32-bit limb carries a little over 6 base-36 digits.
    let mut digits: Vec<u8> = Vec::with_capacity(limbs.len() * 7 + 6);
    while !limbs.is_empty() {
        let mut remainder = 0u64;
        for limb in limbs.iter_mut().rev() {
            let current = (remainder << 32) | u64::from(*limb);
            *limb = (current / u64::from(CHUNK_U32)) as u32;
            remainder = current % u64::from(CHUNK_U32);
        }
        while limbs.last() == Some(&0) {
            limbs.pop();
        }
        // Six digits per chunk, least significant first; the top chunk stops at its last non-zero.
        let mut chunk = remainder as u32;
        for _ in 0..6 {
            digits.push(ALPHABET[(chunk % 36) as usize]);
            chunk /= 36;
            if limbs.is_empty() && chunk == 0 {
                break;
            }
        }
    }
    digits.reverse();
    digits.into_iter().map(char::from).collect()
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
            base36_encode("1")
                .and_then(|_| base36_encode("zz"))
                .map(|_| ()),
            Err(StringError::InvalidHexLiteral)
        );
    }

    #[test]
    fn big_values_match_small_path_at_the_boundary() {
        // 2^128 = (2^64)^2: checked against Python's arithmetic.
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
