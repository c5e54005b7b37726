//! Property tests: the hex parser against decorated renderings of known values, the float
//! formatter against Rust's own exact formatting, and the ASCII and general code-point paths of
//! the truncation against each other.
#![allow(missing_docs)]
use proptest::prelude::*;
use sky_rs_string_core::{
    StringError, base36_encode, base36_encode_bytes, format_float, truncate_long_string,
};

/// Base 36 by the textbook loop, as the reference for `base36_encode`.
fn naive_base36(mut n: u128) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut digits = Vec::new();
    loop {
        digits.push(ALPHABET[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

/// Renders `value` in hex the many ways `int(x, 16)` accepts.
fn decorate(
    value: u128,
    upper: bool,
    prefix: &str,
    underscores: &[bool],
    pad: (&str, &str),
) -> String {
    let digits = if upper {
        format!("{value:X}")
    } else {
        format!("{value:x}")
    };
    let mut out = String::from(pad.0);
    out.push_str(prefix);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0
            && underscores
                .get(i % underscores.len().max(1))
                .copied()
                .unwrap_or(false)
        {
            out.push('_');
        }
        out.push(ch);
    }
    out.push_str(pad.1);
    out
}

fn whitespace() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "", " ", "\t\n", "\u{3000}", "\u{a0} ", "\u{2028}", "\u{85}",
    ])
}

proptest! {
    #[test]
    fn u128_values_match_the_textbook_loop(n in any::<u128>()) {
        prop_assert_eq!(base36_encode(&format!("{n:x}")).map(|s| s.to_string()), Ok(naive_base36(n)));
    }

    #[test]
    fn decorated_hex_parses_to_its_value(
        value in any::<u128>(),
        upper in any::<bool>(),
        prefix in prop::sample::select(vec!["", "0x", "0X", "0x_", "+", "+0x", "+0X_"]),
        underscores in prop::collection::vec(any::<bool>(), 1..8),
        lead in whitespace(),
        trail in whitespace(),
    ) {
        let text = decorate(value, upper, prefix, &underscores, (lead, trail));
        prop_assert_eq!(base36_encode(&text).map(|s| s.to_string()), Ok(naive_base36(value)), "{:?}", text);
        if text.is_ascii() {
            prop_assert_eq!(base36_encode_bytes(text.as_bytes()).map(|s| s.to_string()), Ok(naive_base36(value)));
        }
    }

    #[test]
    fn negative_values_are_refused(value in 1..=u128::MAX) {
        prop_assert_eq!(base36_encode(&format!("-{value:x}")).map(|_| ()), Err(StringError::NegativeValue));
    }

    #[test]
    fn doubled_or_trailing_underscores_are_invalid(value in 16..=u128::MAX, at in any::<prop::sample::Index>()) {
        let digits = format!("{value:x}");
        let cut = 1 + at.index(digits.len() - 1);
        for bad in [format!("{}__{}", &digits[..cut], &digits[cut..]), format!("{digits}_"), format!("_{digits}")] {
            prop_assert_eq!(base36_encode(&bad).map(|_| ()), Err(StringError::InvalidHexLiteral), "{:?}", bad);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,40}") {
        let _ = base36_encode(&text);
        let _ = base36_encode_bytes(text.as_bytes());
    }

    #[test]
    fn format_float_matches_exact_std_formatting(bits in any::<u64>(), precision in 0usize..40) {
        let num = f64::from_bits(bits);
        let ours = format_float(num, precision as i64).map(|s| s.to_string());
        let expected = if num.is_nan() {
            "nan".to_owned()
        } else if num.is_finite() && num.trunc().to_bits() == num.to_bits() {
            format!("{num:.0}")
        } else {
            format!("{num:.precision$}")
        };
        prop_assert_eq!(ours, Ok(expected));
    }

    #[test]
    fn format_float_of_short_decimals(mantissa in -10_000_000i64..10_000_000, scale in 0u32..9, precision in 0usize..12) {
        let num = mantissa as f64 / 10f64.powi(scale as i32);
        let expected = if num.trunc().to_bits() == num.to_bits() { format!("{num:.0}") } else { format!("{num:.precision$}") };
        prop_assert_eq!(format_float(num, precision as i64).map(|s| s.to_string()), Ok(expected));
    }

    #[test]
    fn truncation_counts_code_points_not_bytes(
        s in "[ab ]{0,40}",
        max_length in -10i64..50,
        middle in any::<bool>(),
    ) {
        // The same text with every 'a' widened to a 2-byte and every 'b' to a 4-byte character
        // must truncate at the same code points.
        let widen = |t: &str| t.replace('a', "\u{e9}").replace('b', "\u{1f600}");
        let ascii = truncate_long_string(&s, max_length, middle);
        let wide_input = widen(&s);
        let wide = truncate_long_string(&wide_input, max_length, middle);
        prop_assert_eq!(widen(&ascii.to_string()), wide.to_string());
        // Never longer than the input plus the ellipsis.
        prop_assert!(ascii.to_string().len() <= s.len() + 3);
    }
}
