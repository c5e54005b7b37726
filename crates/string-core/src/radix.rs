//! Writing a non-negative big integer (little-endian `u32` limbs) in base 10 or base 36.
//!
//! Schoolbook division by the largest power of the radix that fits a `u32`, one chunk of digits
//! per pass. The divisor is a compile-time constant, so each limb step is a multiply, not a divide.

pub(crate) const ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// Bits per digit, rounded down: a value of `b` bits has at most `b / 3 + 1` digits in any radix
/// from 8 up (36 needs 5.17 bits per digit, 10 needs 3.32).
const MIN_BITS_PER_DIGIT: usize = 3;

/// A buffer length that holds every base-10 or base-36 digit of a value of `limbs` limbs.
pub(crate) fn digits_capacity(limbs: usize) -> usize {
    limbs * 32 / MIN_BITS_PER_DIGIT + 1
}

/// A radix and its chunk: `CHUNK == RADIX.pow(DIGITS)`, the largest such power below 2^32.
pub(crate) trait Radix {
    const RADIX: u32;
    const CHUNK: u32;
    const DIGITS: usize;
    /// The two digits of every value below `RADIX^2`, most significant first.
    const PAIRS: &'static [u8];
}

/// The digit pairs of `0..radix^2`; `N` must be `2 * radix^2`.
const fn digit_pairs<const N: usize>(radix: usize) -> [u8; N] {
    let mut pairs = [0u8; N];
    let mut value = 0;
    while value < radix * radix {
        pairs[2 * value] = ALPHABET[value / radix];
        pairs[2 * value + 1] = ALPHABET[value % radix];
        value += 1;
    }
    pairs
}

pub(crate) struct Base10;
impl Radix for Base10 {
    const RADIX: u32 = 10;
    const CHUNK: u32 = 1_000_000_000;
    const DIGITS: usize = 9;
    const PAIRS: &'static [u8] = &digit_pairs::<200>(10);
}

pub(crate) struct Base36;
impl Radix for Base36 {
    const RADIX: u32 = 36;
    const CHUNK: u32 = 2_176_782_336; // 36^6
    const DIGITS: usize = 6;
    const PAIRS: &'static [u8] = &digit_pairs::<2592>(36);
}

/// Writes the digits of `limbs` (little-endian; zeroed on return) right-aligned into `buf` and
/// returns the index of the first digit. Zero gives `"0"`.
///
/// `buf` must hold [`digits_capacity`]`(limbs.len())` bytes or more; every caller sizes it so.
pub(crate) fn write_digits<R: Radix>(limbs: &mut [u32], buf: &mut [u8]) -> usize {
    let mut len = limbs.len();
    while len > 0 && limbs[len - 1] == 0 {
        len -= 1;
    }
    let mut pos = buf.len();
    loop {
        let mut remainder = 0u64;
        for limb in limbs[..len].iter_mut().rev() {
            let current = (remainder << 32) | u64::from(*limb);
            *limb = (current / u64::from(R::CHUNK)) as u32;
            remainder = current % u64::from(R::CHUNK);
        }
        while len > 0 && limbs[len - 1] == 0 {
            len -= 1;
        }
        // The remainder is below CHUNK, so it fits a u32.
        let mut chunk = remainder as u32;
        if len == 0 {
            // The most significant chunk: no zero padding, but at least one digit.
            loop {
                pos -= 1;
                buf[pos] = ALPHABET[(chunk % R::RADIX) as usize];
                chunk /= R::RADIX;
                if chunk == 0 {
                    return pos;
                }
            }
        }
        // A full chunk, zero-padded: two digits per step, then the odd one out.
        for _ in 0..R::DIGITS / 2 {
            let pair = (chunk % (R::RADIX * R::RADIX)) as usize;
            chunk /= R::RADIX * R::RADIX;
            pos -= 2;
            buf[pos..pos + 2].copy_from_slice(&R::PAIRS[2 * pair..2 * pair + 2]);
        }
        if R::DIGITS % 2 == 1 {
            pos -= 1;
            buf[pos] = ALPHABET[chunk as usize];
        }
    }
}

/// Little-endian limbs of a `u128`.
#[cfg(test)]
fn u128_limbs(n: u128) -> [u32; 4] {
    [
        n as u32,
        (n >> 32) as u32,
        (n >> 64) as u32,
        (n >> 96) as u32,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render<R: Radix>(n: u128) -> String {
        let mut limbs = u128_limbs(n);
        let mut buf = vec![0u8; digits_capacity(limbs.len())];
        let start = write_digits::<R>(&mut limbs, &mut buf);
        String::from_utf8_lossy(&buf[start..]).into_owned()
    }

    #[test]
    fn base10_matches_std() {
        for n in [
            0,
            1,
            9,
            10,
            999_999_999,
            1_000_000_000,
            u128::from(u64::MAX),
            u128::MAX,
        ] {
            assert_eq!(render::<Base10>(n), n.to_string());
        }
    }

    #[test]
    fn base36_known_values() {
        assert_eq!(render::<Base36>(0), "0");
        assert_eq!(render::<Base36>(35), "z");
        assert_eq!(render::<Base36>(36), "10");
        assert_eq!(render::<Base36>(2_176_782_336), "1000000");
        assert_eq!(render::<Base36>(u128::MAX), "f5lxx1zz5pnorynqglhzmsp33");
    }

    #[test]
    fn chunks_are_powers() {
        assert_eq!(u64::from(Base10::CHUNK), 10u64.pow(9));
        assert_eq!(u64::from(Base36::CHUNK), 36u64.pow(6));
        assert!(u64::from(Base36::CHUNK) * 36 > u64::from(u32::MAX));
        assert_eq!(&Base36::PAIRS[2 * 37..2 * 38], b"11");
        assert_eq!(&Base36::PAIRS[2 * 1295..], b"zz");
        assert_eq!(&Base10::PAIRS[2 * 7..2 * 8], b"07");
    }
}
