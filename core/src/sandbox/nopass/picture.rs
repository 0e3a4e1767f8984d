//! Login pictures: small 8-bit palette PNGs (seed 3: "8-bit (PNG-8) PNG file coded in base64
//! format"), different every time, encoded here byte by byte.

use base64::Engine;

use crate::nopass::crc32;

const SIZE: usize = 24;

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in bytes {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

/// A fresh random picture as PNG bytes.
pub(super) fn png() -> Vec<u8> {
    let mut raw = Vec::with_capacity(SIZE * (SIZE + 1));
    for _ in 0..SIZE {
        raw.push(0); // filter: none
        raw.extend((0..SIZE).map(|_| rand::random_range(0..4u8)));
    }
    // zlib stream with one stored (uncompressed) deflate block.
    let len = raw.len() as u16;
    let mut zlib = vec![0x78, 0x01, 0x01];
    zlib.extend_from_slice(&len.to_le_bytes());
    zlib.extend_from_slice(&(!len).to_le_bytes());
    zlib.extend_from_slice(&raw);
    zlib.extend_from_slice(&adler32(&raw).to_be_bytes());

    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = (SIZE as u32).to_be_bytes().to_vec();
    ihdr.extend_from_slice(&(SIZE as u32).to_be_bytes());
    ihdr.extend_from_slice(&[8, 3, 0, 0, 0]); // 8-bit, palette
    chunk(&mut out, b"IHDR", &ihdr);
    let palette: Vec<u8> = (0..4).flat_map(|_| [rand::random::<u8>(), rand::random(), rand::random()]).collect();
    chunk(&mut out, b"PLTE", &palette);
    chunk(&mut out, b"IDAT", &zlib);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A fresh random picture, base64 as the NoPass server sends it.
pub(super) fn base64_png() -> String {
    base64::engine::general_purpose::STANDARD.encode(png())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_valid_and_differ() {
        let a = png();
        assert!(crate::nopass::check_png(&a).is_ok());
        assert_ne!(a, png());
    }
}
