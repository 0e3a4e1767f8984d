//! The structural check of the PNG pictures the NoPass server sends (callback 3 in
//! docs/vendors/nopass.md: "8-bit (PNG-8) PNG file coded in base64 format").
//!
//! The check walks the chunk structure (signature, `IHDR` first with sane dimensions, at
//! least one `IDAT`, `IEND` last, every CRC right) without decompressing anything. It does not
//! insist on an 8-bit palette: the portal only displays the picture, and refusing a valid PNG
//! of another colour type would break logins for no safety gain.

const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// Largest width or height accepted; a login picture is a few hundred pixels.
const MAX_DIMENSION: u32 = 16_384;

/// Why `bytes` is not a PNG, or `Ok` when it is one.
pub(crate) fn check_png(bytes: &[u8]) -> Result<(), &'static str> {
    let mut rest = bytes.strip_prefix(SIGNATURE.as_slice()).ok_or("is not a PNG (no PNG signature)")?;
    let mut first = true;
    let mut seen_data = false;
    loop {
        if rest.len() < 12 {
            return Err("is not a complete PNG (truncated chunk)");
        }
        let len = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let kind = &rest[4..8];
        let total = len.checked_add(12).ok_or("is not a valid PNG (chunk too long)")?;
        if rest.len() < total {
            return Err("is not a complete PNG (truncated chunk)");
        }
        let data = &rest[8..8 + len];
        let crc = u32::from_be_bytes([rest[8 + len], rest[9 + len], rest[10 + len], rest[11 + len]]);
        if crc32(&rest[4..8 + len]) != crc {
            return Err("is not a valid PNG (chunk checksum mismatch)");
        }
        if first {
            if kind != b"IHDR" || len != 13 {
                return Err("is not a valid PNG (IHDR must come first)");
            }
            let width = u32::from_be_bytes([data[0], data[1], data[2], data[3]]);
            let height = u32::from_be_bytes([data[4], data[5], data[6], data[7]]);
            if width == 0 || height == 0 || width > MAX_DIMENSION || height > MAX_DIMENSION {
                return Err("is not a usable PNG (width or height out of range)");
            }
            first = false;
        }
        match kind {
            b"IDAT" => seen_data = true,
            b"IEND" => {
                if !seen_data {
                    return Err("is not a valid PNG (no image data)");
                }
                return if rest.len() == total { Ok(()) } else { Err("is not a valid PNG (data after IEND)") };
            }
            _ => {}
        }
        rest = &rest[total..];
    }
}

const CRC_TABLE: [u32; 256] = crc_table();

const fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
}

/// CRC-32 as PNG (and zlib's gzip) defines it.
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in bytes {
        c = CRC_TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8);
    }
    c ^ 0xFFFF_FFFF
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc_input = kind.to_vec();
        crc_input.extend_from_slice(data);
        out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
        out
    }

    fn png(width: u32) -> Vec<u8> {
        let mut ihdr = width.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&1u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 3, 0, 0, 0]);
        let mut out = SIGNATURE.to_vec();
        out.extend(chunk(b"IHDR", &ihdr));
        out.extend(chunk(b"PLTE", &[0, 0, 0]));
        out.extend(chunk(b"IDAT", &[0x78, 0x01, 0x01, 0x02, 0x00, 0xfd, 0xff, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]));
        out.extend(chunk(b"IEND", &[]));
        out
    }

    #[test]
    fn accepts_a_png_and_names_what_is_wrong() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert!(check_png(&png(1)).is_ok());
        assert!(check_png(b"GIF89a").unwrap_err().contains("signature"));
        assert!(check_png(&png(0)).unwrap_err().contains("width"));
        let mut bad = png(1);
        let n = bad.len();
        bad[n - 20] ^= 1;
        assert!(check_png(&bad).unwrap_err().contains("checksum"));
        let good = png(1);
        assert!(check_png(&good[..good.len() - 1]).unwrap_err().contains("truncated"));
    }
}
