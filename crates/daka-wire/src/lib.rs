//! The group server's wire contract, version [`PROTOCOL`].
//!
//! These types are what crosses HTTP between `daka-sync` (the app) and `daka-server`, and
//! nothing else: never the store's internal structs, so either side can change its storage
//! without breaking the other. The contract is versioned by [`PROTOCOL`], sent by the client in
//! the [`PROTOCOL_HEADER`] header on every request; a server that speaks another version
//! answers `426` with [`ErrorCode::ProtocolMismatch`].
//!
//! Adding an optional field is compatible; renaming, removing or changing the meaning of one
//! needs a new protocol version (and the server keeps answering the old one while apps update).

#![forbid(unsafe_code)]

mod account;
mod board;
mod error;
mod group;
mod sync;

pub use account::*;
pub use board::*;
pub use error::*;
pub use group::*;
pub use sync::*;

/// The protocol version this crate describes.
pub const PROTOCOL: u32 = 1;
/// The request header carrying the client's protocol version.
pub const PROTOCOL_HEADER: &str = "daka-protocol";
/// Most mutations one push may carry (the server answers 413 above it).
pub const MAX_PUSH_MUTATIONS: usize = 100;
/// Most changes one pull page returns.
pub const MAX_PULL_LIMIT: u32 = 500;
/// The prefix of every device token, so a leaked one is easy to find (`pk_` + 43 base64url chars).
pub const TOKEN_PREFIX: &str = "pk_";
