//! The two Unicode facts `int()` uses on `str` input: which characters count as whitespace, and
//! which are decimal digits.
//!
//! The digit table is Unicode 13.0 (Python 3.9, the oldest supported interpreter). Digits never
//! leave the `Nd` category once added, so every digit here is a digit for every supported Python,
//! with the same value. A digit added later (e.g. Kawi, Unicode 15) is rejected here and the
//! binding then asks Python's own `int()`, which gives the interpreter's exact answer.

/// First code point (the digit zero) of each run of ten non-ASCII decimal digits, Unicode 13.0.
/// Every run holds the values 0 to 9 in order.
const DIGIT_ZEROS: [u32; 64] = [
    0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
    0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16B50, 0x1D7CE,
    0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// The decimal value (0-9) of a non-ASCII Unicode decimal digit (`str.isdecimal()`), else `None`.
pub(crate) fn decimal_value(ch: char) -> Option<u8> {
    let cp = u32::from(ch);
    // Index of the last run starting at or before `cp`.
    let run = DIGIT_ZEROS
        .partition_point(|&zero| zero <= cp)
        .checked_sub(1)?;
    let offset = cp - DIGIT_ZEROS[run];
    (offset < 10).then_some(offset as u8)
}

/// Whether a non-ASCII character is whitespace in Python's sense (`str.isspace()`).
pub(crate) fn is_non_ascii_whitespace(ch: char) -> bool {
    matches!(
        ch,
        '\u{85}' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_runs_are_sorted_and_disjoint() {
        assert!(DIGIT_ZEROS.windows(2).all(|w| w[0] + 10 <= w[1]));
    }

    #[test]
    fn decimal_values() {
        assert_eq!(decimal_value('\u{660}'), Some(0));
        assert_eq!(decimal_value('\u{669}'), Some(9));
        assert_eq!(decimal_value('\u{66A}'), None);
        assert_eq!(decimal_value('\u{FF15}'), Some(5));
        assert_eq!(decimal_value('\u{1D7FF}'), Some(9));
        assert_eq!(decimal_value('\u{1D7CE}'), Some(0));
        assert_eq!(decimal_value('\u{1D7D8}'), Some(0));
        assert_eq!(
            decimal_value('\u{B2}'),
            None,
            "superscript two is not a decimal digit"
        );
        assert_eq!(decimal_value('\u{16AC0}'), None, "Tangsa is Unicode 14");
        assert_eq!(decimal_value('a'), None);
        assert_eq!(decimal_value('\u{10FFFF}'), None);
    }

    #[test]
    fn whitespace() {
        for ch in [
            '\u{85}', '\u{A0}', '\u{2000}', '\u{200A}', '\u{3000}', '\u{2029}',
        ] {
            assert!(is_non_ascii_whitespace(ch), "{ch:?}");
        }
        for ch in ['\u{200B}', '\u{180E}', '\u{FEFF}', 'x'] {
            assert!(!is_non_ascii_whitespace(ch), "{ch:?}");
        }
    }
}
