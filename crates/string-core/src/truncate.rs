//! `truncate_long_string`, counting code points with Python's slice semantics.
use std::fmt;

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

/// The result of [`truncate_long_string`], as pieces of its input: no copy is made, so the
/// caller builds its own string once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truncated<'a> {
    /// The input, short enough already (Python returns the very same object).
    Unchanged(&'a str),
    /// A new, shortened string: `head`, then `"..."`, then `tail`.
    Shortened {
        /// What is kept of the start.
        head: &'a str,
        /// What is kept of the end (empty unless the middle was cut).
        tail: &'a str,
    },
}

impl<'a> Truncated<'a> {
    /// The resulting text in three pieces, to be joined.
    pub fn parts(self) -> [&'a str; 3] {
        match self {
            Self::Unchanged(s) => [s, "", ""],
            Self::Shortened { head, tail } => [head, ELLIPSIS, tail],
        }
    }
}

impl fmt::Display for Truncated<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.parts().iter().try_for_each(|part| f.write_str(part))
    }
}

/// A new string: `head`, the ellipsis, `tail`.
fn shortened<'a>(head: &'a str, tail: &'a str) -> Truncated<'a> {
    Truncated::Shortened { head, tail }
}

/// The word of `bytes` (UTF-8) starting at `start`: where it ends (its space, or the end),
/// and how many characters it has (its bytes that start a UTF-8 sequence).
fn scan_word(bytes: &[u8], start: usize) -> (usize, usize) {
    let mut chars = 0;
    for (offset, &byte) in bytes[start..].iter().enumerate() {
        if byte == b' ' {
            return (start + offset, chars);
        }
        chars += usize::from(byte & 0xc0 != 0x80);
    }
    (bytes.len(), chars)
}

/// For ASCII text and `max_length >= 0`: where the word that ends the kept words starts (the
/// `word_start` of the general loop below). There a character is a byte, so after the word
/// ending at the `k`-th space (`k` from 0) the words hold `position - k` characters. Spaces
/// are found eight bytes at a time, and only up to that word.
fn ascii_word_start(bytes: &[u8], max_length: usize) -> usize {
    let mut word_start = 0;
    let mut words = 0;
    for (index, chunk) in bytes.chunks(8).enumerate() {
        // The last chunk is padded with zero bytes, which are not spaces.
        let word = <[u8; 8]>::try_from(chunk).unwrap_or_else(|_| {
            let mut padded = [0u8; 8];
            padded[..chunk.len()].copy_from_slice(chunk);
            padded
        });
        let mut flags = space_flags(word);
        while flags != 0 {
            let position = 8 * index + (flags.trailing_zeros() / 8) as usize;
            if position - words >= max_length {
                return word_start;
            }
            word_start = position + 1;
            words += 1;
            flags &= flags - 1;
        }
    }
    word_start
}

/// The high bit of each byte of `word` that is a space, and no other bit.
fn space_flags(word: [u8; 8]) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // Each space becomes a zero byte, flagged exactly (no carry crosses a byte).
    let x = u64::from_le_bytes(word) ^ u64::from_le_bytes([b' '; 8]);
    !(((x & LOW7) + LOW7) | x | LOW7)
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
            return shortened("", "");
        }
        let kept = (max_length - 3) as usize;
        let (start, end) = (kept.div_ceil(2), kept / 2);
        let head = text.head(s, len, start as i64);
        if end == 0 {
            return shortened(head, "");
        }
        return shortened(head, text.tail(s, len, end));
    }

    // Words are split on the byte b' ', which in UTF-8 only ever encodes the space itself
    // (`str.split(' ')`). Walk the words until their lengths (spaces not counted) reach
    // max_length, or the last word. The prefix is the words before that one, joined by ' ':
    // `s` up to the space before it. ASCII text takes a shortcut with the same answer.
    let bytes = s.as_bytes();
    let (word_start, max_length) = match usize::try_from(max_length) {
        Ok(max_length) if text.ascii => (ascii_word_start(bytes, max_length), max_length),
        _ => {
            let (first_end, first_len) = scan_word(bytes, 0);
            if i64::try_from(first_len).map_or(true, |first_len| first_len > max_length) {
                return shortened(text.head(&s[..first_end], first_len, max_length), "");
            }
            // `0 <= first_len <= max_length`.
            let max_length = max_length as usize;
            let (mut total, mut word_start, mut word_end) = (first_len, 0, first_end);
            while total < max_length && word_end != bytes.len() {
                word_start = word_end + 1;
                let (end, chars) = scan_word(bytes, word_start);
                (word_end, total) = (end, total + chars);
            }
            (word_start, max_length)
        }
    };
    let prefix = if word_start == 0 {
        ""
    } else {
        &s[..word_start - 1]
    };
    if text.char_len(prefix) < max_length {
        return shortened(&s[..text.byte_offset(s, max_length)], "");
    }
    shortened(prefix, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str, max_length: i64, truncate_middle: bool) -> String {
        truncate_long_string(s, max_length, truncate_middle).to_string()
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
            Truncated::Shortened { .. }
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
