//! The emergency-exit code of a strict session (LeechBlock's "type a long random code").
//!
//! The engine reads no randomness: the caller passes a seed (from the OS RNG in the app) and the
//! code is expanded from it with SplitMix64. The alphabet has 32 symbols without the look-alikes
//! `0 O 1 I`, so the code is tedious to type but never ambiguous to read. The friction is the
//! typing, not secrecy: the code is kept in the persisted state (anyone who can read Daka's data
//! directory can also just kill the app; the goal is "tedious", not "impossible").

use serde::{Deserialize, Serialize};

/// Length of an emergency-exit code.
pub const CODE_LEN: usize = 32;

/// Digits and capitals without 0, 1, I, O: 32 symbols.
const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// What the user must type, exactly, to leave a strict session early.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Challenge {
    pub code: String,
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A [`CODE_LEN`]-symbol code determined by `seed`.
pub(crate) fn make_code(seed: u64) -> String {
    let mut state = seed;
    let mut code = String::with_capacity(CODE_LEN);
    while code.len() < CODE_LEN {
        let mut bits = splitmix64(&mut state);
        // 12 symbols of 5 bits per draw.
        for _ in 0..12 {
            if code.len() == CODE_LEN {
                break;
            }
            let index = usize::try_from(bits & 31).unwrap_or(0);
            code.push(char::from(ALPHABET[index]));
            bits >>= 5;
        }
    }
    code
}
