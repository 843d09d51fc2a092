//! Security identifier check digits (ANSI X9.6 CUSIP, ISO 6166 ISIN).

fn char_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        b'*' => Some(36),
        b'@' => Some(37),
        b'#' => Some(38),
        _ => None,
    }
}

fn digit_sum(mut v: u32) -> u32 {
    let mut s = 0;
    while v > 0 {
        s += v % 10;
        v /= 10;
    }
    s
}

/// The check digit a CUSIP's first eight characters call for.
pub(crate) fn cusip_check_digit(body: &str) -> Option<u8> {
    let b = body.as_bytes();
    if b.len() != 8 {
        return None;
    }
    let mut sum = 0;
    for (i, &c) in b.iter().enumerate() {
        let v = char_value(c)?;
        sum += digit_sum(if i % 2 == 1 { v * 2 } else { v });
    }
    Some(((10 - sum % 10) % 10) as u8)
}

/// True when a 9-character CUSIP's last digit matches its check digit.
pub fn valid_cusip(cusip: &str) -> bool {
    let b = cusip.as_bytes();
    b.len() == 9
        && cusip.is_ascii()
        && b[8].is_ascii_digit()
        && cusip_check_digit(&cusip[..8]) == Some(b[8] - b'0')
}

/// True when a 12-character ISIN passes the Luhn check, and for a US/CA ISIN
/// the embedded CUSIP is valid too.
pub(crate) fn valid_isin(isin: &str) -> bool {
    let b = isin.as_bytes();
    if b.len() != 12 || !isin.is_ascii() || !b[..2].iter().all(u8::is_ascii_uppercase) {
        return false;
    }
    let mut digits = Vec::with_capacity(24);
    for &c in b {
        match c {
            b'0'..=b'9' => digits.push(u32::from(c - b'0')),
            b'A'..=b'Z' => {
                let v = u32::from(c - b'A') + 10;
                digits.push(v / 10);
                digits.push(v % 10);
            }
            _ => return false,
        }
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10) && (!matches!(&isin[..2], "US" | "CA") || valid_cusip(&isin[2..11]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_cusips() {
        for c in [
            "037833100",
            "315911750",
            "921937603",
            "92202E607",
            "46438F101",
            "315948109",
            "389637109",
        ] {
            assert!(valid_cusip(c), "{c}");
        }
        assert!(!valid_cusip("037833101"));
        assert!(!valid_cusip("03783310"));
        assert!(!valid_cusip("03783310é"));
    }

    #[test]
    fn known_isins() {
        for i in [
            "US0378331005",
            "US3159117502",
            "US9219376038",
            "US92202E6077",
            "US46438F1012",
            "US3159481098",
            "US3896371099",
        ] {
            assert!(valid_isin(i), "{i}");
        }
        // published in the wild for FBTC, but its check digit fails
        assert!(!valid_isin("US3159481079"));
        assert!(!valid_isin("us0378331005"));
    }
}
