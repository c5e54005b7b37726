//! Parsing a hexadecimal integer exactly as Python's `int(x, 16)` does.
//!
//! `CPython` parses `bytes` directly and `str` after one transformation (non-ASCII whitespace becomes
//! `' '`, non-ASCII decimal digits become ASCII digits, and the first other non-ASCII character
//! ends the text with an invalid `'?'`). [`parse_hex_str`] does the same, then both share
//! [`parse_hex_bytes`].
use crate::StringError;
use crate::unicode::{decimal_value, is_non_ascii_whitespace};

/// An integer as read by `int(x, 16)`: a sign and a magnitude.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HexInt {
    negative: bool,
    magnitude: Magnitude,
}

/// The magnitude of a [`HexInt`]: a `u128` when it fits, else little-endian `u32` limbs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Magnitude {
    Small(u128),
    /// At least five limbs, the most significant one non-zero.
    Big(Vec<u32>),
}

impl HexInt {
    /// Whether the value is below zero (`'-0'` is zero, so not negative).
    pub(crate) fn is_negative(&self) -> bool {
        self.negative && !self.is_zero()
    }

    /// Whether the value is zero.
    pub(crate) fn is_zero(&self) -> bool {
        self.magnitude == Magnitude::Small(0)
    }

    /// The magnitude, when it fits in a `u128`.
    #[cfg(test)]
    fn magnitude_u128(&self) -> Option<u128> {
        match self.magnitude {
            Magnitude::Small(value) => Some(value),
            Magnitude::Big(_) => None,
        }
    }

    pub(crate) fn magnitude(&self) -> &Magnitude {
        &self.magnitude
    }
}

/// Python's `Py_ISSPACE`: the ASCII whitespace `int()` skips around the number.
fn is_ascii_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Parses `bytes` (or ASCII text) as `int(x, 16)` does.
///
/// Accepted: surrounding ASCII whitespace, one sign, an optional `0x`/`0X` prefix optionally
/// followed by one underscore, and hex digits of either case with single underscores between them.
pub(crate) fn parse_hex_bytes(input: &[u8]) -> Result<HexInt, StringError> {
    if let Some(value) = plain_u128(input) {
        return Ok(HexInt {
            negative: false,
            magnitude: Magnitude::Small(value),
        });
    }
    let at = |i: usize| input.get(i).copied().unwrap_or(0);
    let mut i = 0;
    while is_ascii_space(at(i)) {
        i += 1;
    }
    let negative = at(i) == b'-';
    if matches!(at(i), b'+' | b'-') {
        i += 1;
    }
    if at(i) == b'0' && matches!(at(i + 1), b'x' | b'X') {
        i += 2;
        if at(i) == b'_' {
            i += 1;
        }
    }
    let start = i;
    let mut previous_underscore = false;
    let mut any_digit = false;
    while i < input.len() {
        let byte = input[i];
        if byte == b'_' {
            if previous_underscore || !any_digit {
                return Err(StringError::InvalidHexLiteral);
            }
            previous_underscore = true;
        } else if hex_value(byte).is_some() {
            previous_underscore = false;
            any_digit = true;
        } else {
            break;
        }
        i += 1;
    }
    if previous_underscore || !any_digit {
        return Err(StringError::InvalidHexLiteral);
    }
    let digits = &input[start..i];
    if !input[i..].iter().all(|&b| is_ascii_space(b)) {
        return Err(StringError::InvalidHexLiteral);
    }
    Ok(HexInt {
        negative,
        magnitude: magnitude(digits),
    })
}

/// Each byte's hex value, or [`NOT_HEX`].
const HEX_VALUES: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};
const NOT_HEX: u8 = 0x80;

/// The fast path: 1 to 32 bare hex digits (a uuid's `.hex`): eight at a time when their count
/// is a multiple of eight, else as two branch-free `u64` halves.
pub(crate) fn plain_u128(input: &[u8]) -> Option<u128> {
    if input.is_empty() || input.len() > 32 {
        return None;
    }
    if input.len().is_multiple_of(8) {
        let mut value = 0u128;
        for chunk in input.chunks_exact(8) {
            value = (value << 32) | u128::from(hex8(chunk.try_into().ok()?)?);
        }
        return Some(value);
    }
    let (high, low) = input.split_at(input.len().saturating_sub(16));
    let fold = |digits: &[u8]| {
        digits.iter().fold((0u64, 0u8), |(acc, seen), &b| {
            let value = HEX_VALUES[usize::from(b)];
            ((acc << 4) | u64::from(value & 0x0f), seen | value)
        })
    };
    let ((high, seen_high), (low_value, seen_low)) = (fold(high), fold(low));
    if (seen_high | seen_low) & NOT_HEX != 0 {
        return None;
    }
    Some((u128::from(high) << (4 * low.len())) | u128::from(low_value))
}

/// One in each byte of a `u64`, and the high bit of each byte.
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The value of eight hex digits, the first the most significant, or `None` if any byte is not
/// a hex digit; all eight bytes at once (SWAR).
fn hex8(chunk: [u8; 8]) -> Option<u32> {
    let x = u64::from_le_bytes(chunk);
    if x & HIGHS != 0 {
        return None;
    }
    // Each byte is below 0x80, so adding up to 0x7f never carries into the next byte: the high
    // bit of `x + (0x80 - c)` says whether that byte is at least `c`.
    let at_least = |x: u64, c: u8| (x + u64::from(0x80 - c) * ONES) & HIGHS;
    let digit = at_least(x, b'0') & !at_least(x, b'9' + 1);
    let lower = x | (u64::from(b' ') * ONES);
    let letter = at_least(lower, b'a') & !at_least(lower, b'f' + 1);
    if digit | letter != HIGHS {
        return None;
    }
    // '0'-'9' are 0x30-0x39 and 'a'-'f'/'A'-'F' end in 1-6: the low nibble, plus 9 for letters.
    let values = (x & (0x0f * ONES)) + (letter >> 7) * 9;
    // Pack the eight nibbles, first byte most significant: pairs, then quads, then all.
    let pairs = ((values << 4) | (values >> 8)) & 0x00ff_00ff_00ff_00ff;
    let quads = ((pairs << 8) | (pairs >> 16)) & 0x0000_ffff_0000_ffff;
    Some(((quads << 16) | (quads >> 32)) as u32)
}

/// Parses `str` input as `int(x, 16)` does, including Unicode whitespace and Unicode decimal digits.
pub(crate) fn parse_hex_str(input: &str) -> Result<HexInt, StringError> {
    if input.is_ascii() {
        return parse_hex_bytes(input.as_bytes());
    }
    let mut ascii = Vec::with_capacity(input.len());
    for ch in input.chars() {
        // CPython keeps code points below 127 (so DEL, 127, is invalid like any other symbol).
        if u32::from(ch) < 127 {
            ascii.push(ch as u8);
        } else if is_non_ascii_whitespace(ch) {
            ascii.push(b' ');
        } else if let Some(value) = decimal_value(ch) {
            ascii.push(b'0' + value);
        } else {
            return Err(StringError::InvalidHexLiteral);
        }
    }
    parse_hex_bytes(&ascii)
}

/// The magnitude of validated digits (hex digits with single underscores between them).
fn magnitude(digits: &[u8]) -> Magnitude {
    let values = || digits.iter().filter_map(|&b| hex_value(b));
    let significant = values().skip_while(|&v| v == 0).count();
    if significant <= 32 {
        return Magnitude::Small(values().fold(0u128, |acc, v| (acc << 4) | u128::from(v)));
    }
    // Least significant digit first, eight to a limb; `significant` digits make the top limb non-zero.
    let mut limbs = vec![0u32; significant.div_ceil(8)];
    for (position, value) in values().rev().take(significant).enumerate() {
        limbs[position / 8] |= u32::from(value) << (4 * (position % 8));
    }
    Magnitude::Big(limbs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(input: &str) -> Result<(bool, u128), StringError> {
        let parsed = parse_hex_str(input)?;
        Ok((
            parsed.is_negative(),
            parsed.magnitude_u128().unwrap_or(u128::MAX),
        ))
    }

    #[test]
    fn accepts_what_int_accepts() {
        for (input, value) in [
            ("ff", 255),
            ("FF", 255),
            ("0xff", 255),
            ("0XfF", 255),
            ("  ff\n", 255),
            ("\t\x0b\x0cff\r ", 255),
            ("+ff", 255),
            ("0x_f_f", 255),
            ("+0x_1", 1),
            ("0X1_2", 18),
            ("0_0", 0),
            ("00", 0),
            ("0x0", 0),
            ("0", 0),
            ("\u{660}x1f", 31),
            ("\u{FF11}\u{FF12}", 18),
            ("\u{3000}ff\u{2028}", 255),
            ("\u{85}ff", 255),
            ("ab\u{660}", 0xab0),
            ("ffffffffffffffffffffffffffffffff", u128::MAX),
        ] {
            assert_eq!(small(input), Ok((false, value)), "{input:?}");
        }
        assert_eq!(small("-ff"), Ok((true, 255)));
        assert_eq!(small("-0"), Ok((false, 0)));
        assert_eq!(small("-0x_0"), Ok((false, 0)));
    }

    #[test]
    fn rejects_what_int_rejects() {
        for input in [
            "",
            "  ",
            "0x",
            "0x_",
            "0x__ff",
            "_ff",
            "ff_",
            "f__f",
            "- ff",
            "+-1",
            "--1",
            "0_x",
            "xyz",
            "\x1cff",
            "ff\0",
            "ff\u{200B}",
            "it's",
            "0 x1",
            "1 2",
            "g",
            "0xg",
            "\u{7f}1",
            "\u{B2}",
            "1\u{B2}",
            "\u{16AC1}",
        ] {
            assert_eq!(
                small(input),
                Err(StringError::InvalidHexLiteral),
                "{input:?}"
            );
        }
    }

    #[test]
    fn eight_digits_at_once_match_the_table() {
        let mut inputs: Vec<[u8; 8]> = vec![*b"0123abcd", *b"ABCDEF09", *b"ffffffff", *b"00000000"];
        // Every byte value in every position, among valid digits.
        for byte in 0..=255u8 {
            for at in 0..8 {
                let mut chunk = *b"9aF0c3E7";
                chunk[at] = byte;
                inputs.push(chunk);
            }
        }
        for chunk in inputs {
            let expected = chunk.iter().try_fold(0u32, |acc, &b| {
                hex_value(b).map(|v| (acc << 4) | u32::from(v))
            });
            assert_eq!(hex8(chunk), expected, "{chunk:?}");
        }
    }

    #[test]
    fn bytes_take_ascii_whitespace_only() {
        assert!(parse_hex_bytes(b" 0xff ").is_ok());
        assert_eq!(
            parse_hex_bytes(b"\xa0ff"),
            Err(StringError::InvalidHexLiteral)
        );
        assert_eq!(
            parse_hex_bytes(b"\x85ff"),
            Err(StringError::InvalidHexLiteral)
        );
    }

    #[test]
    fn big_magnitudes_use_limbs() {
        let parsed = parse_hex_str("0x1_00000000_00000000_00000000_00000000");
        assert_eq!(parsed.as_ref().map(HexInt::magnitude_u128), Ok(None));
        assert_eq!(
            parsed.map(|p| p.magnitude),
            Ok(Magnitude::Big(vec![0, 0, 0, 0, 1]))
        );
        // Leading zeros do not count toward the size.
        let padded = format!("{}1", "0".repeat(100));
        assert_eq!(
            parse_hex_str(&padded).map(|p| p.magnitude_u128()),
            Ok(Some(1))
        );
    }
}
