//! Passwords, device tokens and invite codes.
//!
//! - Passwords: argon2id (RFC 9106 defaults of the `argon2` crate), PHC strings with their salt.
//! - Device tokens: 256 random bits, `pk_` + base64url, shown once; only the SHA-256 is stored
//!   and looked up. A fast hash is right for a 256-bit random secret (nothing to brute-force),
//!   and it can be indexed, which argon2 cannot.
//! - Invite codes: 128 random bits in a short alphabet people can read aloud, hashed likewise.
//!
//! Comparisons of secrets in memory go through `subtle` (constant time). Database lookups are
//! by hash, so timing there reveals nothing about the secret.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use daka_wire::TOKEN_PREFIX;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the system random source failed")]
    Random,
    #[error("password hashing failed")]
    Hash,
}

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

pub fn hash_password(password: &str) -> Result<String, SecretError> {
    let salt = SaltString::encode_b64(&random::<16>()?).map_err(|_| SecretError::Hash)?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| SecretError::Hash)
}

/// Whether `password` matches the stored PHC string (argon2 compares in constant time).
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .is_ok_and(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
}

/// A PHC string for no real password: signing in as an unknown user verifies against it, so
/// the answer takes as long as for a known user (no user enumeration by timing).
pub fn dummy_password_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("daka-dummy-password").unwrap_or_default())
}

fn random<const N: usize>() -> Result<[u8; N], SecretError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| SecretError::Random)?;
    Ok(bytes)
}

/// A new device token: `pk_` + 43 base64url characters (256 bits).
pub fn new_token() -> Result<String, SecretError> {
    Ok(format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(random::<32>()?)))
}

/// The alphabet of invite codes: no 0/O, 1/I/L, so a code read from a screenshot types right.
const INVITE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789-";

/// A new invite code, e.g. `K7QM-2WXA-…`: 26 symbols of 5 bits (130 bits), grouped by four.
pub fn new_invite_code() -> Result<String, SecretError> {
    let bytes = random::<26>()?;
    let symbols = INVITE_ALPHABET.len() - 1; // the dash is the separator, not a symbol
    let mut code = String::with_capacity(32);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        code.push(char::from(INVITE_ALPHABET[usize::from(*b) % symbols]));
    }
    Ok(code)
}

/// Normalizes a pasted invite code: upper case, no whitespace (chat apps wrap and pad).
pub fn normalize_invite_code(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect()
}

/// Lower-case hex SHA-256, the stored form of tokens and invite codes.
pub fn sha256_hex(secret: &str) -> String {
    sha256_hex_of(secret.as_bytes())
}

/// Lower-case hex SHA-256 of any bytes (photos are compared by it).
pub fn sha256_hex_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

/// Constant-time equality for secrets held in memory.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bits_and_distinct() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert!(a.starts_with("pk_") && a.len() == 3 + 43);
        assert_ne!(a, b);
        assert_eq!(sha256_hex(&a).len(), 64);
        assert!(secrets_equal(&a, &a.clone()) && !secrets_equal(&a, &b));
    }

    #[test]
    fn passwords_round_trip_with_argon2id() {
        let phc = hash_password("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &phc));
        assert!(!verify_password("wrong", &phc));
        assert!(!verify_password("x", "not a phc string"));
    }

    #[test]
    fn invite_codes_survive_being_retyped() {
        let code = new_invite_code().unwrap();
        assert_eq!(code.len(), 26 + 6);
        assert_eq!(normalize_invite_code(&format!("  {} ", code.to_lowercase())), code);
    }
}
