//! A1 notation: a spreadsheet's column letters and cell references.

/// `1` → `A`, `27` → `AA`.
pub(crate) fn column_letters(mut n: u32) -> String {
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// `D` → `4`; `None` when it is not a column letter.
pub(super) fn column_number(letters: &str) -> Option<u32> {
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    Some(
        letters
            .to_ascii_uppercase()
            .bytes()
            .fold(0, |n, b| n * 26 + u32::from(b - b'A' + 1)),
    )
}

/// The (row, column) of a reference like `XFD1048576`, when it is one a workbook can
/// hold: at most 1,048,576 rows and 16,384 columns (XFD).
pub(super) fn cell_position(reference: &str) -> Option<(u64, u64)> {
    let reference = reference.trim().trim_start_matches('$');
    let letters: String = reference
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect();
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let digits = reference[letters.len()..].trim_start_matches('$');
    if digits.is_empty() || digits.len() > 7 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let row: u64 = digits.parse().ok()?;
    let col = letters.bytes().fold(0u64, |n, b| {
        n * 26 + u64::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    ((1..=1_048_576).contains(&row) && (1..=16_384).contains(&col)).then_some((row, col))
}
