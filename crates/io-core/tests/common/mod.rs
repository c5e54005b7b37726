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

/// `read_last_n_lines` decoded as Python's default (`utf-8`, `errors='replace'`): each line
/// decoded lossily, trailing `'\r'`s stripped, and `'\n'` appended to every line but the last.
pub fn read_last_n_lines_lossy(
    path: &std::path::Path,
    n: usize,
) -> Result<Vec<String>, sky_rs_io_core::IoError> {
    let lines = sky_rs_io_core::read_last_n_lines(path, n)?;
    let count = lines.len();
    Ok(lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let mut text = String::from_utf8_lossy(line)
                .trim_end_matches('\r')
                .to_owned();
            if i + 1 < count {
                text.push('\n');
            }
            text
        })
        .collect())
}
