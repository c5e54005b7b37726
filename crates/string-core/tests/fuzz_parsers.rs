//! Property-based fuzzing of the string core: the hex parser, base-36 output, float
//! formatting and truncation, against small reference models written from the contract.
//!
//! Case counts follow proptest's `PROPTEST_CASES` (256 by default); the fuzz run sets it to
//! 20,000: `PROPTEST_CASES=20000 cargo test -p sky-rs-string-core --test fuzz_parsers`.
#![allow(missing_docs)]

use proptest::prelude::*;
use sky_rs_string_core::{
    StringError, base36_encode, base36_encode_bytes, format_float, truncate_long_string,
};

/// The largest precision the core formats itself; above it, `PrecisionOutOfRange`.
const MAX_PRECISION: i64 = 10_000;

/// Base 36 of a big number given as hex digit values, most significant first (schoolbook
/// division): the reference for arbitrary-length input.
fn base36_of_hex_digits(digits: &[u8]) -> String {
    let mut number: Vec<u32> = digits.iter().map(|&d| u32::from(d)).collect();
    while number.len() > 1 && number[0] == 0 {
        number.remove(0);
    }
    if number == [0] || number.is_empty() {
        return "0".to_owned();
    }
    let mut out = Vec::new();
    while !(number.len() == 1 && number[0] == 0) {
        let mut remainder = 0u32;
        for d in &mut number {
            let value = remainder * 16 + *d;
            *d = value / 36;
            remainder = value % 36;
        }
        out.push(b"0123456789abcdefghijklmnopqrstuvwxyz"[remainder as usize]);
        while number.len() > 1 && number[0] == 0 {
            number.remove(0);
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Python's `float.is_integer()`.
#[expect(
    clippy::float_cmp,
    reason = "a whole number equals its truncation exactly"
)]
fn is_whole(num: f64) -> bool {
    num.is_finite() && num.trunc() == num
}

fn hex_digit_value(c: char) -> u8 {
    c.to_digit(16).map_or(0, |d| d as u8)
}

/// A decorated literal `int(x, 16)` accepts: whitespace, sign, prefix, underscores.
fn decorated_hex() -> impl Strategy<Value = (String, bool, Vec<u8>)> {
    (
        "[ \t\n\r\x0b\x0c]{0,2}",
        prop::sample::select(vec!["", "+", "-"]),
        prop::sample::select(vec!["", "0x", "0X", "0x_", "0X_"]),
        prop::collection::vec("[0-9a-fA-F]{1,8}", 1..6),
        "[ \t\n\r\x0b\x0c]{0,2}",
    )
        .prop_map(|(lead, sign, prefix, groups, trail)| {
            let digits: Vec<u8> = groups.concat().chars().map(hex_digit_value).collect();
            (
                format!("{lead}{sign}{prefix}{}{trail}", groups.join("_")),
                sign == "-",
                digits,
            )
        })
}

/// Python slice `chars[start:end]` (step 1), negative indices counted from the end.
fn py_slice(chars: &[char], start: Option<i64>, end: Option<i64>) -> String {
    let len = chars.len() as i64;
    let resolve = |i: i64| if i < 0 { (i + len).max(0) } else { i.min(len) };
    let a = start.map_or(0, resolve);
    let b = end.map_or(len, resolve);
    if b <= a {
        return String::new();
    }
    chars[a as usize..b as usize].iter().collect()
}

/// `truncate_long_string` transcribed from the contract.
fn truncate_model(s: &str, max_length: i64, truncate_middle: bool) -> String {
    let chars: Vec<char> = s.chars().collect();
    if (chars.len() as i64) <= max_length {
        return s.to_owned();
    }
    if truncate_middle {
        if max_length <= 3 {
            return "...".to_owned();
        }
        let end_length = (max_length - 3) / 2;
        let start_length = end_length + (max_length - 3) % 2;
        let head = py_slice(&chars, None, Some(start_length));
        if end_length == 0 {
            return head + "...";
        }
        return head + "..." + &py_slice(&chars, Some(-end_length), None);
    }
    let words: Vec<&str> = s.split(' ').collect();
    let first: Vec<char> = words[0].chars().collect();
    if first.len() as i64 > max_length {
        return py_slice(&first, None, Some(max_length)) + "...";
    }
    let mut stop = words.len() - 1;
    let mut total = 0i64;
    for (i, word) in words.iter().enumerate() {
        total += word.chars().count() as i64;
        if total >= max_length {
            stop = i;
            break;
        }
    }
    let mut prefix = words[..stop].join(" ");
    let prefix_len = prefix.chars().count() as i64;
    if prefix_len < max_length {
        prefix += &py_slice(&chars, Some(prefix_len), Some(max_length));
    }
    prefix + "..."
}

fn text_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(
            prop::sample::select(vec![
                " ", " ", "a", "bc", "xyz", "\t", "é", "e\u{301}", "😀"
            ]),
            0..60
        )
        .prop_map(|parts| parts.concat()),
        any::<String>(),
    ]
}

proptest! {
    #[test]
    fn hex_parsers_never_panic(text in any::<String>(), bytes in prop::collection::vec(any::<u8>(), 0..80)) {
        let _ = base36_encode(&text);
        let _ = base36_encode_bytes(&bytes);
    }

    #[test]
    fn decorated_hex_parses_like_int_base_16((text, negative, digits) in decorated_hex()) {
        let expected = base36_of_hex_digits(&digits);
        let result = base36_encode(&text);
        if negative && expected != "0" {
            prop_assert_eq!(result, Err(StringError::NegativeValue));
        } else {
            prop_assert_eq!(result.map(|s| s.as_str().to_owned()), Ok(expected.clone()));
            prop_assert_eq!(
                base36_encode_bytes(text.as_bytes()).map(|s| s.as_str().to_owned()),
                Ok(expected)
            );
        }
    }

    #[test]
    fn u128_values_encode_exactly(value in any::<u128>()) {
        let hex = format!("{value:x}");
        let digits: Vec<u8> = hex.chars().map(hex_digit_value).collect();
        prop_assert_eq!(
            base36_encode(&hex).map(|s| s.as_str().to_owned()),
            Ok(base36_of_hex_digits(&digits))
        );
    }

    #[test]
    fn long_hex_encodes_exactly(hex in "[0-9a-f]{33,400}") {
        let digits: Vec<u8> = hex.chars().map(hex_digit_value).collect();
        prop_assert_eq!(
            base36_encode(&hex).map(|s| s.as_str().to_owned()),
            Ok(base36_of_hex_digits(&digits))
        );
    }

    #[test]
    fn broken_hex_is_rejected(
        (text, _, _) in decorated_hex(),
        at in any::<prop::sample::Index>(),
        junk in prop::sample::select(vec!["__", "g", "x", ".", "-", "\u{7f}", "0x", " 1"]),
    ) {
        let chars: Vec<char> = text.chars().collect();
        let at = at.index(chars.len() + 1);
        let broken: String = chars[..at].iter().copied().chain(junk.chars()).chain(chars[at..].iter().copied()).collect();
        // Only check the parse does not panic and agrees between str and bytes input.
        prop_assert_eq!(
            base36_encode(&broken).map(|s| s.to_string()),
            base36_encode_bytes(broken.as_bytes()).map(|s| s.to_string()),
            "{:?}", broken
        );
    }

    #[test]
    fn format_float_matches_rust_formatting(bits in any::<u64>(), precision in -3_i64..60) {
        let num = f64::from_bits(bits);
        let result = format_float(num, precision).map(|s| s.as_str().to_owned());
        if is_whole(num) {
            prop_assert_eq!(result, Ok(format!("{num:.0}")));
        } else if precision < 0 {
            prop_assert_eq!(result, Err(StringError::MissingPrecision));
        } else if num.is_nan() {
            prop_assert_eq!(result, Ok("nan".to_owned()));
        } else {
            let p = precision as usize;
            prop_assert_eq!(result, Ok(format!("{num:.p$}")));
        }
    }

    #[test]
    fn format_float_decimal_fractions(mantissa in -1_000_000_i64..1_000_000, scale in 0_u32..9, precision in 0_i64..25) {
        let num = mantissa as f64 / 10_f64.powi(scale as i32);
        let result = format_float(num, precision).map(|s| s.as_str().to_owned());
        if is_whole(num) {
            prop_assert_eq!(result, Ok(format!("{num:.0}")));
        } else {
            let p = precision as usize;
            prop_assert_eq!(result, Ok(format!("{num:.p$}")));
        }
    }

    #[test]
    fn format_float_extreme_precisions(bits in any::<u64>(), precision in prop::sample::select(vec![i64::MIN, -1, MAX_PRECISION, MAX_PRECISION + 1, i64::MAX])) {
        let num = f64::from_bits(bits);
        let result = format_float(num, precision);
        if is_whole(num) {
            prop_assert!(result.is_ok());
        } else if precision < 0 {
            prop_assert_eq!(result, Err(StringError::MissingPrecision));
        } else if precision > MAX_PRECISION {
            prop_assert_eq!(result, Err(StringError::PrecisionOutOfRange));
        }
    }

    #[test]
    fn truncate_matches_the_contract(
        s in text_strategy(),
        max_length in prop_oneof![-10_i64..90, prop::sample::select(vec![i64::MIN, i64::MIN + 1, i64::MAX])],
        truncate_middle in any::<bool>(),
    ) {
        let got = truncate_long_string(&s, max_length, truncate_middle);
        prop_assert_eq!(got.to_string(), truncate_model(&s, max_length, truncate_middle));
    }
}
