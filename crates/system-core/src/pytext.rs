//! Python's rules for reading numbers out of text: `str.strip()`, `str.split()`, `float(str)`
//! and `int(str)`, exactly as CPython applies them.
//!
//! CPython first maps every non-ASCII character of the text: whitespace to `' '`, a Unicode
//! decimal digit to its ASCII digit, anything else to a `'?'` that fails the parse. ASCII
//! characters (below U+007F) stay as they are, so `'\x1c'` is whitespace to `str.strip()`
//! but not to `float()`. The remaining ASCII text is then parsed by C code whose grammar is
//! reproduced here. Which characters are decimal digits depends on the Unicode version of
//! the running Python, so that one question is asked through [`DecimalDigits`].
use std::borrow::Cow;

/// Answers CPython's `Py_UNICODE_TODECIMAL` for a non-ASCII, non-space character.
pub trait DecimalDigits {
    /// The value 0..=9 of `c` if Python counts it as a decimal digit (`'٣'` gives 3).
    fn decimal(&self, c: char) -> Option<u8>;
}

/// Treats no non-ASCII character as a digit. Exact for every text whose digits are ASCII;
/// a caller with a Python interpreter should ask it instead.
#[cfg(test)]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct AsciiDigitsOnly;

#[cfg(test)]
impl DecimalDigits for AsciiDigitsOnly {
    fn decimal(&self, _c: char) -> Option<u8> {
        None
    }
}

/// Python's `str.isspace()`: the Unicode whitespace that `strip()` and `split()` remove.
/// The set has not changed since Python 3.4 (Unicode 6.3 dropped U+180E).
pub fn is_py_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\x1c'..=' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// `text.strip()` with no argument.
pub fn py_strip(text: &str) -> &str {
    text.trim_matches(is_py_whitespace)
}

/// `text.split()` with no argument: the runs of non-whitespace.
pub fn py_split(text: &str) -> impl Iterator<Item = &str> {
    text.split(is_py_whitespace).filter(|part| !part.is_empty())
}

/// C's `Py_ISSPACE`: the ASCII whitespace that the number parsers skip.
pub(crate) fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// CPython's `_PyUnicode_TransformDecimalAndSpaceToASCII`, returning `None` where it would
/// write the `'?'` that no number parser accepts.
fn to_ascii<'a>(text: &'a str, digits: &impl DecimalDigits) -> Option<Cow<'a, [u8]>> {
    if text.is_ascii() {
        return Some(Cow::Borrowed(text.as_bytes()));
    }
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        if c < '\x7f' {
            out.push(c as u8);
        } else if is_py_whitespace(c) {
            out.push(b' ');
        } else {
            out.push(b'0' + digits.decimal(c).filter(|d| *d <= 9)?);
        }
    }
    Some(Cow::Owned(out))
}

/// `float(text)`; `None` where Python raises `ValueError`.
pub fn py_float(text: &str, digits: &impl DecimalDigits) -> Option<f64> {
    parse_float_ascii(&to_ascii(text, digits)?)
}

/// The most digits an integer text may have for its value to be read here
/// ([`PyInt::Exact`]). Far beyond any memory size (10**32 bytes), and far below the smallest
/// limit Python can put on `int()` of a text (`sys.set_int_max_str_digits`: 640), so Python
/// accepts every such text.
pub const MAX_EXACT_DIGITS: usize = 32;

/// What `int()` makes of a text that has the syntax of a base-10 integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PyInt {
    /// The value: the text has at most [`MAX_EXACT_DIGITS`] digits.
    Exact(i128),
    /// The text has more digits than that. Only Python's own `int()` knows the answer: the
    /// value, or a `ValueError` when the digits exceed `sys.get_int_max_str_digits()`.
    TooLong,
}

/// `int(text)` (base 10); `None` where Python raises `ValueError` whatever its digit limit.
pub fn py_int(text: &str, digits: &impl DecimalDigits) -> Option<PyInt> {
    parse_int_ascii(&to_ascii(text, digits)?)
}

/// CPython's `_Py_string_to_number_with_underscores`: single underscores are allowed only
/// between two digits, and are removed. A NUL byte ends the C string early, which always
/// fails the parse.
fn without_underscores(s: &[u8]) -> Option<Cow<'_, [u8]>> {
    if s.contains(&0) {
        return None;
    }
    if !s.contains(&b'_') {
        return Some(Cow::Borrowed(s));
    }
    let mut out = Vec::with_capacity(s.len());
    let mut prev = 0u8;
    for &b in s {
        if b == b'_' {
            if !prev.is_ascii_digit() {
                return None;
            }
        } else {
            if prev == b'_' && !b.is_ascii_digit() {
                return None;
            }
            out.push(b);
        }
        prev = b;
    }
    (prev != b'_').then_some(Cow::Owned(out))
}

/// Strips C whitespace from both ends.
fn trim_c_space(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|b| !is_c_space(*b)).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !is_c_space(*b))
        .map_or(start, |i| i + 1);
    &s[start..end]
}

/// The length of the run of ASCII digits at the start of `s`.
fn digit_run(s: &[u8]) -> usize {
    s.iter().take_while(|b| b.is_ascii_digit()).count()
}

/// `float()` of ASCII text: `[ws] [+-] (inf | infinity | nan | decimal) [ws]`, letters in any
/// case, `decimal` = `digits [. [digits]] | . digits`, then `[eE] [+-] digits`. Out-of-range
/// values become ±inf or ±0, as in CPython.
pub fn parse_float_ascii(s: &[u8]) -> Option<f64> {
    let cleaned = without_underscores(s)?;
    let body = trim_c_space(&cleaned);
    let (negative, unsigned) = match body.first() {
        Some(b'-') => (true, &body[1..]),
        Some(b'+') => (false, &body[1..]),
        _ => (false, body),
    };
    let special =
        if unsigned.eq_ignore_ascii_case(b"inf") || unsigned.eq_ignore_ascii_case(b"infinity") {
            Some(f64::INFINITY)
        } else if unsigned.eq_ignore_ascii_case(b"nan") {
            Some(f64::NAN)
        } else {
            None
        };
    if let Some(value) = special {
        return Some(if negative { -value } else { value });
    }
    let int_digits = digit_run(unsigned);
    let mut pos = int_digits;
    let mut frac_digits = 0;
    if unsigned.get(pos) == Some(&b'.') {
        frac_digits = digit_run(&unsigned[pos + 1..]);
        pos += 1 + frac_digits;
    }
    if int_digits + frac_digits == 0 {
        return None;
    }
    if matches!(unsigned.get(pos), Some(b'e' | b'E')) {
        let mut exp = pos + 1;
        if matches!(unsigned.get(exp), Some(b'+' | b'-')) {
            exp += 1;
        }
        let exp_digits = digit_run(&unsigned[exp..]);
        if exp_digits == 0 {
            return None;
        }
        pos = exp + exp_digits;
    }
    if pos != unsigned.len() {
        return None;
    }
    // The grammar checked above is a subset of what Rust's correctly rounded parser
    // accepts, and the text is ASCII, so both steps succeed.
    let magnitude: f64 = std::str::from_utf8(unsigned).ok()?.parse().ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

/// `int()` of ASCII text in base 10: `[ws] [+-] digit (['_'] digit)* [ws]`; the value when it
/// has at most [`MAX_EXACT_DIGITS`] digits, else [`PyInt::TooLong`].
pub fn parse_int_ascii(s: &[u8]) -> Option<PyInt> {
    if s.contains(&0) {
        return None;
    }
    let body = trim_c_space(s);
    let (negative, digits) = match body.first() {
        Some(b'-') => (true, &body[1..]),
        Some(b'+') => (false, &body[1..]),
        _ => (false, body),
    };
    if !digits.first().is_some_and(u8::is_ascii_digit) || digits.last() == Some(&b'_') {
        return None;
    }
    let mut value: i128 = 0;
    let mut count = 0usize;
    let mut prev = 0u8;
    for &b in digits {
        if b == b'_' {
            if prev == b'_' {
                return None;
            }
        } else if b.is_ascii_digit() {
            count += 1;
            if count <= MAX_EXACT_DIGITS {
                // At most 32 digits: far from overflowing an i128 (10**38).
                value = value * 10 + i128::from(b - b'0');
            }
        } else {
            return None;
        }
        prev = b;
    }
    Some(if count > MAX_EXACT_DIGITS {
        PyInt::TooLong
    } else if negative {
        PyInt::Exact(-value)
    } else {
        PyInt::Exact(value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn float(s: &str) -> Option<f64> {
        py_float(s, &AsciiDigitsOnly)
    }

    fn int(s: &str) -> Option<i128> {
        match py_int(s, &AsciiDigitsOnly)? {
            PyInt::Exact(value) => Some(value),
            PyInt::TooLong => Some(i128::MAX),
        }
    }

    struct ArabicIndic;
    impl DecimalDigits for ArabicIndic {
        fn decimal(&self, c: char) -> Option<u8> {
            let d = u32::from(c).checked_sub(0x660)?;
            (d <= 9).then_some(d as u8)
        }
    }

    #[test]
    fn floats_python_accepts() {
        for (text, want) in [
            ("1", 1.0),
            (" 3 ", 3.0),
            ("2.5", 2.5),
            ("1e1", 10.0),
            ("+.5", 0.5),
            ("1.", 1.0),
            ("-0", -0.0),
            ("1_0", 10.0),
            ("1_0.2_5e1_0", 10.25e10),
            ("\t\n\x0b\x0c\r 7 \r\n", 7.0),
            ("1e999", f64::INFINITY),
            ("-1e999", f64::NEG_INFINITY),
            ("1e-999", 0.0),
            ("inf", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY),
            ("+iNf", f64::INFINITY),
            ("0.1", 0.1),
            ("2.2250738585072011e-308", 2.225_073_858_507_201e-308),
            ("\u{3000}4\u{a0}", 4.0),
        ] {
            let got = float(text).unwrap_or_else(|| panic!("{text:?} rejected"));
            assert_eq!(got.to_bits(), want.to_bits(), "{text:?}");
        }
        assert!(float("nan").is_some_and(f64::is_nan));
        assert!(float("-NaN").is_some_and(|v| v.is_nan() && v.is_sign_negative()));
    }

    #[test]
    fn floats_python_rejects() {
        for text in [
            "", " ", "abc", ".", "1e", "1e+", "e5", "_1", "1_", "1__0", "1_.5", "1._5", "in_f",
            "infinit", "nan(1)", "0x10", "1\x00", "\x1c3", "3\x1c", "1 2", "--1", "+-1", "\u{ff}",
            "1\u{7f}",
        ] {
            assert_eq!(float(text), None, "{text:?}");
        }
    }

    #[test]
    fn unicode_digits_go_through_the_hook() {
        assert_eq!(py_float("\u{663}.\u{665}", &ArabicIndic), Some(3.5));
        assert_eq!(
            py_int(" \u{661}\u{660} ", &ArabicIndic),
            Some(PyInt::Exact(10))
        );
        assert_eq!(float("\u{663}"), None);
    }

    #[test]
    fn ints() {
        assert_eq!(int(" +1_0 "), Some(10));
        assert_eq!(int("-007"), Some(-7));
        assert_eq!(int("0_0"), Some(0));
        let long = |s: &str| py_int(s, &AsciiDigitsOnly);
        let nines = "9".repeat(MAX_EXACT_DIGITS);
        assert_eq!(long(&nines), Some(PyInt::Exact(10_i128.pow(32) - 1)));
        assert_eq!(
            long(&format!("-{nines}")),
            Some(PyInt::Exact(1 - 10_i128.pow(32)))
        );
        assert_eq!(long(&format!("{nines}9")), Some(PyInt::TooLong));
        assert_eq!(long(&format!("-{nines}9")), Some(PyInt::TooLong));
        assert_eq!(long(&"9".repeat(60)), Some(PyInt::TooLong));
        // Leading zeros and underscores: Python's digit limit counts the zeros, not the '_'.
        assert_eq!(long(&format!("0{nines}")), Some(PyInt::TooLong));
        assert_eq!(
            long(&format!("{}1", "1_".repeat(31))),
            Some(PyInt::Exact(11_111_111_111_111_111_111_111_111_111_111))
        );
        assert_eq!(long(&format!("{nines}9_")), None);
        assert_eq!(long(&format!("{nines}9x")), None);
        for text in [
            "", "+", "1_", "_1", "1__0", "1.0", "1e3", "- 1", "max", "1\x00", "\x1c1",
        ] {
            assert_eq!(int(text), None, "{text:?}");
        }
    }

    #[test]
    fn strip_and_split() {
        assert_eq!(py_strip("\x1c 5\u{3000}\n"), "5");
        assert_eq!(
            py_split(" a\u{2028}b  c\x1f").collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        assert!(!is_py_whitespace('\u{180e}'));
        assert!(!is_py_whitespace('\u{200b}'));
    }
}
