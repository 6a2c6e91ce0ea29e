//! Identity: users with argon2id passwords, signed login tokens, peppered API keys, login throttling.

mod admin;
mod audit;
mod cache;
mod keys;
mod password;
mod revocation;
mod secrets;
mod service;
mod throttle;
mod tickets;
mod token;

pub use admin::MAX_LISTED_USERS;
pub use keys::{API_KEY_PREFIX, ApiKeyCreated};
pub use revocation::Revocation;
pub use service::{AuthService, LoginOk, NewUserInput};
pub use throttle::ThrottlePolicy;
pub use tickets::{WS_TICKET_PREFIX, WS_TICKET_TTL};
pub use token::LOGIN_TOKEN_PREFIX;
