//! What the integration tests of `read_last_n_lines` share.

/// The contract on the whole file (SPEC.md): split on b'\n', drop the empty element after a
/// final newline, keep the last `n` (Python slice semantics).
pub fn model(content: &[u8], n: usize) -> Vec<Vec<u8>> {
    if n == 0 || content.is_empty() {
        return Vec::new();
    }
    let mut all: Vec<&[u8]> = content.split(|&b| b == b'\n').collect();
    if all.last().is_some_and(|l| l.is_empty()) {
        all.pop();
    }
    let start = all.len().saturating_sub(n);
    all[start..].iter().map(|l| l.to_vec()).collect()
}
