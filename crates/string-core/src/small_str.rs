//! A string kept inline when short: the results here are usually a few dozen bytes, and a heap
//! allocation would cost more than computing them.
use std::fmt;

/// Inline capacity in bytes: a uuid in base 36 (25), a typical float, a truncated 35-character text.
const INLINE: usize = 64;

/// A string held inline up to 64 bytes, on the heap beyond.
#[derive(Clone)]
pub struct SmallStr(Repr);

#[derive(Clone)]
enum Repr {
    Inline { buf: [u8; INLINE], len: u8 },
    Heap(String),
}

impl SmallStr {
    /// An empty string.
    pub(crate) const fn new() -> Self {
        Self(Repr::Inline {
            buf: [0; INLINE],
            len: 0,
        })
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Only whole `&str`s are ever appended, so the bytes are always valid UTF-8.
            Repr::Inline { buf, len } => {
                std::str::from_utf8(&buf[..usize::from(*len)]).unwrap_or_default()
            }
            Repr::Heap(s) => s,
        }
    }

    /// The text's UTF-8 bytes, without the check [`SmallStr::as_str`] makes.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { buf, len } => &buf[..usize::from(*len)],
            Repr::Heap(s) => s.as_bytes(),
        }
    }

    /// A string of ASCII `bytes` (the digits a core function wrote); the caller guarantees
    /// ASCII, so no check is made here (a non-ASCII byte would only make [`SmallStr::as_str`]
    /// empty, never unsound).
    pub(crate) fn from_ascii(bytes: &[u8]) -> Self {
        debug_assert!(bytes.is_ascii());
        if bytes.len() > INLINE {
            return Self(Repr::Heap(String::from_utf8_lossy(bytes).into_owned()));
        }
        let mut buf = [0; INLINE];
        buf[..bytes.len()].copy_from_slice(bytes);
        Self(Repr::Inline {
            buf,
            len: bytes.len() as u8,
        })
    }

    /// Appends `s`, moving to the heap when the inline buffer would overflow.
    pub(crate) fn push_str(&mut self, s: &str) {
        self.push_utf8(s.as_bytes());
    }

    /// Appends ASCII `bytes` (digits a core function wrote) without checking them; see
    /// [`SmallStr::from_ascii`].
    pub(crate) fn push_ascii(&mut self, bytes: &[u8]) {
        debug_assert!(bytes.is_ascii());
        self.push_utf8(bytes);
    }

    /// Appends `bytes`, valid UTF-8 (every caller passes a `&str`'s bytes or ASCII).
    fn push_utf8(&mut self, bytes: &[u8]) {
        match &mut self.0 {
            Repr::Inline { buf, len } => {
                let start = usize::from(*len);
                let end = start + bytes.len();
                if end <= INLINE {
                    buf[start..end].copy_from_slice(bytes);
                    *len = end as u8;
                } else {
                    let mut heap = Vec::with_capacity(end.max(2 * INLINE));
                    heap.extend_from_slice(&buf[..start]);
                    heap.extend_from_slice(bytes);
                    // Valid UTF-8 (see above), so this keeps the vector and its capacity.
                    let heap = String::from_utf8(heap)
                        .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned());
                    self.0 = Repr::Heap(heap);
                }
            }
            Repr::Heap(heap) => heap.push_str(&String::from_utf8_lossy(bytes)),
        }
    }

    /// A string of the given pieces, concatenated.
    #[cfg(test)]
    pub(crate) fn concat(parts: &[&str]) -> Self {
        let mut out = Self::new();
        for part in parts {
            out.push_str(part);
        }
        out
    }
}

impl Default for SmallStr {
    fn default() -> Self {
        Self::new()
    }
}

impl From<String> for SmallStr {
    fn from(s: String) -> Self {
        Self(Repr::Heap(s))
    }
}

impl fmt::Write for SmallStr {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_str(s);
        Ok(())
    }
}

impl fmt::Display for SmallStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for SmallStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for SmallStr {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SmallStr {}

impl PartialEq<str> for SmallStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SmallStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_inline_then_spills() {
        let mut s = SmallStr::new();
        s.push_str("");
        assert_eq!(s, "");
        s.push_str(&"x".repeat(63));
        s.push_str("\u{e9}");
        assert_eq!(s.as_str().len(), 65);
        assert!(matches!(s.0, Repr::Heap(_)));
        s.push_str("!");
        assert_eq!(s.as_str(), format!("{}\u{e9}!", "x".repeat(63)));
        let exact = SmallStr::concat(&["a".repeat(60).as_str(), "bcde"]);
        assert!(matches!(exact.0, Repr::Inline { len: 64, .. }));
        assert_eq!(exact.as_str(), format!("{}bcde", "a".repeat(60)));
    }
}
