//! Encrypted PDFs (ISO 32000-1 §7.6, ISO 32000-2 for AES-256): the standard security
//! handler, revisions 2–6 (RC4 40–128 bit, AES-128, AES-256), opened with the empty user
//! password. Government sites often publish reports "encrypted" with only a permissions
//! password — anyone may open them, copying is "not allowed" — and a reader must then
//! decrypt what it reads. A file that needs a password to open is refused (`encrypted`).
//! Only streams are decrypted: the reader takes nothing from strings outside them.

use aes::cipher::block_padding::{NoPadding, Pkcs7};
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use md5::{Digest, Md5};
use sha2::{Sha256, Sha384, Sha512};

use super::file::PdfFile;
use super::syntax::{Dict, Obj};
use super::PdfError;

/// The password padding of the standard security handler (Algorithm 2, step a).
const PAD: [u8; 32] = [
    0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
    0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cipher {
    Rc4,
    Aes128,
    Aes256,
    Identity,
}

/// What decrypts a file's streams.
#[derive(Debug)]
pub struct Decryptor {
    key: Vec<u8>,
    streams: Cipher,
}

impl Decryptor {
    /// Opens an encrypted file with the empty user password, or says why it cannot be.
    pub fn open(file: &PdfFile, encrypt: &Dict, id0: &[u8]) -> Result<Decryptor, PdfError> {
        if !encrypt.is(b"Filter", b"Standard") {
            return Err(PdfError::Encrypted);
        }
        let v = file.int(encrypt.get(b"V")).unwrap_or(0);
        let r = file.int(encrypt.get(b"R")).unwrap_or(0);
        let bytes = |key: &[u8]| match encrypt.get(key).map(|o| file.resolve(o)) {
            Some(Obj::Str(s)) => s.clone(),
            _ => Vec::new(),
        };
        let (o, u) = (bytes(b"O"), bytes(b"U"));
        let streams = match v {
            1 | 2 => Cipher::Rc4,
            4 | 5 => crypt_filter(file, encrypt),
            _ => return Err(PdfError::Encrypted),
        };
        if v == 5 {
            let key = aes256_key(r, &u, &bytes(b"UE")).ok_or(PdfError::Encrypted)?;
            return Ok(Decryptor { key, streams });
        }
        let bits = file.int(encrypt.get(b"Length")).unwrap_or(40);
        let n = if r == 2 {
            5
        } else {
            (bits / 8).clamp(5, 16) as usize
        };
        let p = file.int(encrypt.get(b"P")).unwrap_or(0) as i32;
        let metadata = !matches!(encrypt.get(b"EncryptMetadata"), Some(Obj::Bool(false)));
        let key = file_key(&o, p, id0, r, n, metadata);
        if !user_password_is_empty(&key, &u, id0, r) {
            return Err(PdfError::Encrypted);
        }
        Ok(Decryptor { key, streams })
    }

    /// Decrypts the data of stream `num` (generation `gen`).
    pub fn stream(&self, num: u32, gen: u16, data: &[u8]) -> Vec<u8> {
        match self.streams {
            Cipher::Identity => data.to_vec(),
            Cipher::Aes256 => aes_cbc(&self.key, data),
            Cipher::Rc4 => rc4(&self.object_key(num, gen, false), data),
            Cipher::Aes128 => aes_cbc(&self.object_key(num, gen, true), data),
        }
    }

    /// Algorithm 1: the key of one object.
    fn object_key(&self, num: u32, gen: u16, aes: bool) -> Vec<u8> {
        let mut h = Md5::new();
        h.update(&self.key);
        h.update(&num.to_le_bytes()[..3]);
        h.update(gen.to_le_bytes());
        if aes {
            h.update(b"sAlT");
        }
        let digest = h.finalize();
        digest[..(self.key.len() + 5).min(16)].to_vec()
    }
}

/// The cipher of the streams' crypt filter (`/StmF`, V4–V5).
fn crypt_filter(file: &PdfFile, encrypt: &Dict) -> Cipher {
    let name = encrypt
        .get(b"StmF")
        .and_then(Obj::as_name)
        .unwrap_or(b"Identity");
    if name == b"Identity" {
        return Cipher::Identity;
    }
    let method = file
        .dict(encrypt.get(b"CF"))
        .and_then(|cf| file.dict(cf.get(name)))
        .and_then(|f| f.get(b"CFM").and_then(Obj::as_name).map(<[u8]>::to_vec));
    match method.as_deref() {
        Some(b"V2") => Cipher::Rc4,
        Some(b"AESV2") => Cipher::Aes128,
        Some(b"AESV3") => Cipher::Aes256,
        _ => Cipher::Identity,
    }
}

/// Algorithm 2: the file key from the empty user password.
fn file_key(o: &[u8], p: i32, id0: &[u8], r: i64, n: usize, metadata: bool) -> Vec<u8> {
    let mut h = Md5::new();
    h.update(PAD);
    h.update(&o[..o.len().min(32)]);
    h.update(p.to_le_bytes());
    h.update(id0);
    if r >= 4 && !metadata {
        h.update([0xFF; 4]);
    }
    let mut digest = h.finalize().to_vec();
    if r >= 3 {
        for _ in 0..50 {
            digest = Md5::digest(&digest[..n]).to_vec();
        }
    }
    digest.truncate(n);
    digest
}

/// Algorithms 4 and 5: whether the empty password opens the file.
fn user_password_is_empty(key: &[u8], u: &[u8], id0: &[u8], r: i64) -> bool {
    if r == 2 {
        return rc4(key, &PAD) == u;
    }
    let mut h = Md5::new();
    h.update(PAD);
    h.update(id0);
    let mut x = rc4(key, &h.finalize());
    for i in 1..=19u8 {
        let k: Vec<u8> = key.iter().map(|b| b ^ i).collect();
        x = rc4(&k, &x);
    }
    u.len() >= 16 && x[..16] == u[..16]
}

/// Revisions 5 and 6: the file key, when the empty password opens the file.
fn aes256_key(r: i64, u: &[u8], ue: &[u8]) -> Option<Vec<u8>> {
    if u.len() < 48 || ue.len() < 32 {
        return None;
    }
    let hash = |salt: &[u8]| -> Vec<u8> {
        if r >= 6 {
            hash_r6(b"", salt)
        } else {
            Sha256::digest(salt).to_vec()
        }
    };
    if hash(&u[32..40])[..32] != u[..32] {
        return None;
    }
    let intermediate = hash(&u[40..48]);
    let mut buf = ue[..32].to_vec();
    let dec =
        cbc::Decryptor::<aes::Aes256>::new_from_slices(&intermediate[..32], &[0u8; 16]).ok()?;
    let key = dec.decrypt_padded_mut::<NoPadding>(&mut buf).ok()?;
    Some(key.to_vec())
}

/// Algorithm 2.B (ISO 32000-2): the hash of a password with a salt, revision 6.
fn hash_r6(password: &[u8], salt: &[u8]) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(password);
    h.update(salt);
    let mut k = h.finalize().to_vec();
    let mut round = 0u32;
    loop {
        let mut k1 = Vec::with_capacity(64 * (password.len() + k.len()));
        for _ in 0..64 {
            k1.extend_from_slice(password);
            k1.extend_from_slice(&k);
        }
        let Ok(enc) = cbc::Encryptor::<aes::Aes128>::new_from_slices(&k[..16], &k[16..32]) else {
            return k;
        };
        let len = k1.len();
        let Ok(e) = enc.encrypt_padded_mut::<NoPadding>(&mut k1, len) else {
            return k;
        };
        let sum: u32 = e[..16].iter().map(|&b| u32::from(b)).sum();
        k = match sum % 3 {
            0 => Sha256::digest(e).to_vec(),
            1 => Sha384::digest(e).to_vec(),
            _ => Sha512::digest(e).to_vec(),
        };
        round += 1;
        let last = u32::from(*e.last().unwrap_or(&0));
        if round >= 64 && last + 32 <= round {
            break;
        }
    }
    k.truncate(32);
    k
}

fn rc4(key: &[u8], data: &[u8]) -> Vec<u8> {
    if key.is_empty() {
        return data.to_vec();
    }
    let mut s: [u8; 256] = std::array::from_fn(|i| i as u8);
    let mut j = 0u8;
    for i in 0..256 {
        j = j.wrapping_add(s[i]).wrapping_add(key[i % key.len()]);
        s.swap(i, usize::from(j));
    }
    let (mut i, mut j) = (0u8, 0u8);
    data.iter()
        .map(|&b| {
            i = i.wrapping_add(1);
            j = j.wrapping_add(s[usize::from(i)]);
            s.swap(usize::from(i), usize::from(j));
            b ^ s[usize::from(s[usize::from(i)].wrapping_add(s[usize::from(j)]))]
        })
        .collect()
}

/// AES-CBC (AES-128 or AES-256 by the key's length) with the IV in the first 16 bytes
/// and PKCS#7 padding; data cut short or padded wrongly keeps what decrypts.
fn aes_cbc(key: &[u8], data: &[u8]) -> Vec<u8> {
    if data.len() < 32 {
        return Vec::new();
    }
    let (iv, body) = data.split_at(16);
    let body = &body[..body.len() / 16 * 16];
    macro_rules! decrypt {
        ($aes:ty) => {{
            let Ok(dec) = cbc::Decryptor::<$aes>::new_from_slices(key, iv) else {
                return Vec::new();
            };
            let mut buf = body.to_vec();
            match dec.clone().decrypt_padded_mut::<Pkcs7>(&mut buf) {
                Ok(plain) => plain.to_vec(),
                Err(_) => {
                    let mut buf = body.to_vec();
                    dec.decrypt_padded_mut::<NoPadding>(&mut buf)
                        .map(<[u8]>::to_vec)
                        .unwrap_or_default()
                }
            }
        }};
    }
    if key.len() == 32 {
        decrypt!(aes::Aes256)
    } else {
        decrypt!(aes::Aes128)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rc4_known_answer() {
        // RFC 6229's first vector: key 0x0102030405, first bytes of the key stream.
        let stream = rc4(&[1, 2, 3, 4, 5], &[0; 8]);
        assert_eq!(stream, [0xb2, 0x39, 0x63, 0x05, 0xf0, 0x3d, 0xc0, 0x27]);
    }
}
