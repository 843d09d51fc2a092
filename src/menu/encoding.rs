//! Text encodings of the files users export: UTF-8 (with or without its BOM), and
//! what Excel writes on Windows, Windows-1252 and UTF-16.

/// Decodes a CSV export: UTF-8 (with or without a byte-order mark), UTF-16 with a
/// byte-order mark (Excel's "Unicode text"), else Windows-1252 (Excel's default CSV
/// on Windows). Every byte of Windows-1252 decodes, so no export is refused for it.
pub fn decode(bytes: &[u8]) -> (String, Option<&'static str>) {
    let (text, encoding) = decode_text(bytes);
    (classic_mac_lines(text), encoding)
}

fn decode_text(bytes: &[u8]) -> (String, Option<&'static str>) {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        if enc != encoding_rs::UTF_8 {
            let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
            return (text.into_owned(), Some(enc.name()));
        }
        if let Ok(s) = std::str::from_utf8(&bytes[bom..]) {
            return (s.to_owned(), None);
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), None),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (text.into_owned(), Some("windows-1252"))
        }
    }
}

/// A file whose lines end in a carriage return alone (Excel for the classic Mac
/// writes such CSV files) read with its lines on their own lines: every row, span
/// and line number would otherwise be on line 1. A file with any line feed keeps
/// its carriage returns (inside a quoted cell they are the cell's).
fn classic_mac_lines(text: String) -> String {
    if text.contains('\r') && !text.contains('\n') {
        text.replace('\r', "\n")
    } else {
        text
    }
}

/// Where a text that is UTF-8 elsewhere has a byte that is not: decoded as
/// Windows-1252 it would garble every accented name, so such a file is refused.
/// `None` when the bytes are UTF-8 throughout, or show no UTF-8 at all (a real
/// Windows-1252 export).
pub(crate) fn stray_byte(bytes: &[u8]) -> Option<usize> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let err = std::str::from_utf8(bytes).err()?;
    let utf8_elsewhere = bytes
        .utf8_chunks()
        .any(|c| c.valid().bytes().any(|b| b >= 0x80));
    utf8_elsewhere.then(|| err.valid_up_to())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carriage_returns_alone_end_lines() {
        assert_eq!(decode(b"a,b\r1,2\r").0, "a,b\n1,2\n");
        // with line feeds, a carriage return is the file's own (CRLF, or in a cell)
        assert_eq!(decode(b"a,\"x\ry\"\r\n1,2\n").0, "a,\"x\ry\"\r\n1,2\n");
    }

    #[test]
    fn windows_1252_and_utf16_exports_are_decoded() {
        assert_eq!(
            decode(b"caf\xe9"),
            ("café".to_owned(), Some("windows-1252"))
        );
        assert_eq!(decode("café".as_bytes()), ("café".to_owned(), None));
        assert_eq!(decode(b"\xef\xbb\xbfa,b"), ("a,b".to_owned(), None));
        assert_eq!(decode(b"\xff\xfea\x00,\x00b\x00").0, "a,b");
        // UTF-8 throughout but one byte: refused, not garbled
        assert_eq!(stray_byte("Société".as_bytes()), None);
        assert_eq!(stray_byte(b"Soci\xc3\xa9t\xc3\xa9,x\xe9y"), Some(11));
        assert_eq!(stray_byte(b"caf\xe9"), None);
        assert_eq!(stray_byte(b"plain"), None);
    }
}
