//! `truncate_long_string`, counting code points with Python's slice semantics.
use crate::small_str::SmallStr;

const ELLIPSIS: &str = "...";

/// Code-point view of a `&str`: byte offsets for ASCII text, a scan otherwise.
#[derive(Clone, Copy)]
struct Text {
    ascii: bool,
}

impl Text {
    fn new(s: &str) -> Self {
        Self {
            ascii: s.is_ascii(),
        }
    }

    fn char_len(self, part: &str) -> usize {
        if self.ascii {
            part.len()
        } else {
            part.chars().count()
        }
    }

    /// Byte offset of code point `index` in `part` (its length when past the end).
    fn byte_offset(self, part: &str, index: usize) -> usize {
        if self.ascii {
            index.min(part.len())
        } else {
            part.char_indices()
                .nth(index)
                .map_or(part.len(), |(offset, _)| offset)
        }
    }

    /// Python's `part[:stop]`, where `part` has `len` code points.
    fn head(self, part: &str, len: usize, stop: i64) -> &str {
        let stop = slice_index(len, stop);
        &part[..self.byte_offset(part, stop)]
    }

    /// Python's `part[-count:]` for `count > 0`, where `part` has `len` code points.
    fn tail(self, part: &str, len: usize, count: usize) -> &str {
        &part[self.byte_offset(part, len.saturating_sub(count))..]
    }
}

/// A Python slice bound resolved against a length: negative counts from the end, then clamped.
fn slice_index(len: usize, index: i64) -> usize {
    let len_i64 = i64::try_from(len).unwrap_or(i64::MAX);
    let resolved = if index < 0 {
        len_i64.saturating_add(index)
    } else {
        index
    };
    resolved.clamp(0, len_i64) as usize
}

/// The result of [`truncate_long_string`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Truncated<'a> {
    /// The input, short enough already (Python returns the very same object).
    Unchanged(&'a str),
    /// A new, shortened string.
    Shortened(SmallStr),
}

impl Truncated<'_> {
    /// The resulting text.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Unchanged(s) => s,
            Self::Shortened(s) => s.as_str(),
        }
    }

    /// The resulting text's UTF-8 bytes, without the check [`Truncated::as_str`] makes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Unchanged(s) => s.as_bytes(),
            Self::Shortened(s) => s.as_bytes(),
        }
    }
}

fn concat(parts: &[&str]) -> Truncated<'static> {
    Truncated::Shortened(SmallStr::concat(parts))
}

/// `truncate_long_string`: `s` itself when it has at most `max_length` code points, otherwise a
/// shortened copy ending in (or, with `truncate_middle`, containing) `'...'`.
///
/// End mode cuts on word boundaries (words split on `' '`) and can return more than
/// `max_length` code points: `("hello world this is a long string that exceeds", 20)` gives
/// `"hello world this is a..."`.
pub fn truncate_long_string(s: &str, max_length: i64, truncate_middle: bool) -> Truncated<'_> {
    let text = Text::new(s);
    let len = text.char_len(s);
    if i64::try_from(len).is_ok_and(|len| len <= max_length) {
        return Truncated::Unchanged(s);
    }
    // From here on `max_length < len`, so it fits a usize once known to be non-negative.
    if truncate_middle {
        if max_length <= 3 {
            return concat(&[ELLIPSIS]);
        }
        let kept = (max_length - 3) as usize;
        let (start, end) = (kept.div_ceil(2), kept / 2);
        let head = text.head(s, len, start as i64);
        if end == 0 {
            return concat(&[head, ELLIPSIS]);
        }
        return concat(&[head, ELLIPSIS, text.tail(s, len, end)]);
    }

    // Words are split on the byte b' ', which in UTF-8 only ever encodes the space itself.
    let bytes = s.as_bytes();
    let first_word = &s[..bytes.iter().position(|&b| b == b' ').unwrap_or(bytes.len())];
    let first_len = text.char_len(first_word);
    if i64::try_from(first_len).map_or(true, |first_len| first_len > max_length) {
        return concat(&[text.head(first_word, first_len, max_length), ELLIPSIS]);
    }
    // Now 0 <= first_len <= max_length < len.
    let max_length = max_length as usize;
    // Walk the words until their lengths (spaces not counted) reach max_length, or the last word.
    // The prefix is the words before that one, joined by ' ': `s` up to the space before it.
    let mut total = 0;
    let mut word_start = 0;
    for word in bytes.split(|&b| b == b' ') {
        total += text.char_len(&s[word_start..word_start + word.len()]);
        if total >= max_length || word_start + word.len() == bytes.len() {
            break;
        }
        word_start += word.len() + 1;
    }
    let prefix = if word_start == 0 {
        ""
    } else {
        &s[..word_start - 1]
    };
    if text.char_len(prefix) < max_length {
        return concat(&[&s[..text.byte_offset(s, max_length)], ELLIPSIS]);
    }
    concat(&[prefix, ELLIPSIS])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str, max_length: i64, truncate_middle: bool) -> String {
        truncate_long_string(s, max_length, truncate_middle)
            .as_str()
            .to_owned()
    }

    #[test]
    fn spec_examples() {
        assert_eq!(
            t("hello world this is a long string that exceeds", 20, false),
            "hello world this is a..."
        );
        assert_eq!(t("abcdefgh", 5, true), "a...h");
        assert_eq!(t("ab cd", -1, false), "a...");
        assert_eq!(
            t(&"a".repeat(40), 35, false),
            format!("{}...", "a".repeat(35))
        );
    }

    #[test]
    fn short_strings_come_back_unchanged() {
        assert_eq!(
            truncate_long_string("abc", 3, false),
            Truncated::Unchanged("abc")
        );
        assert_eq!(truncate_long_string("", 0, true), Truncated::Unchanged(""));
        assert!(matches!(
            truncate_long_string("abcd", 3, false),
            Truncated::Shortened(_)
        ));
    }

    #[test]
    fn middle_mode() {
        assert_eq!(t("abc", 2, true), "...");
        assert_eq!(t("abcdef", -5, true), "...");
        assert_eq!(t("abcdef", 4, true), "a...");
        assert_eq!(t("abcdefgh", 6, true), "ab...h");
        assert_eq!(t("abcdefgh", 7, true), "ab...gh");
        assert_eq!(
            t("\u{1F600}b\u{301}cdefg\u{1F601}", 6, true),
            "\u{1F600}b...\u{1F601}"
        );
    }

    #[test]
    fn end_mode() {
        assert_eq!(t("abc", 2, false), "ab...");
        assert_eq!(t("abc", 0, false), "...");
        assert_eq!(t("", -1, false), "...");
        assert_eq!(t("abc def", -10, false), "...");
        assert_eq!(t(" abc", 0, false), "...");
        assert_eq!(t(" abc", 2, false), " a...");
        assert_eq!(t("ab cd ef", 5, false), "ab cd...");
        assert_eq!(t("ab cd ef", 4, false), "ab c...");
        assert_eq!(t("abc def", 5, false), "abc d...");
        assert_eq!(t("a b c d e f", 3, false), "a b...");
        assert_eq!(t("a  b", 3, false), "a  ...");
        assert_eq!(
            t("\u{e9}t\u{e9} long words", 6, false),
            "\u{e9}t\u{e9} lo..."
        );
    }
}
