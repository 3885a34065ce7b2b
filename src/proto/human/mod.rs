//! Chat mode, for people on telnet or netcat: their lines in, the server's lines out.
//!
//! The people dialect's renderer (`people.rs`) writes the core's values the way a person wants
//! them: events (`[02:13] #lobby <alice> hello`, `* bob joined #lobby`), data lines, final
//! replies (`* you are in #lobby`) and failures (`! that name is taken`). The core picks it for
//! a session in chat mode, as it picks `proto::render` for programs. What the person types goes through `from_person` (`person.rs`), which turns
//! `/msg bob hi` or a plain line into the protocol line it stands for.

mod people;
mod person;

pub use people::{bye, data, event, fail, hhmm, reply};
pub use person::from_person;

use super::render::Line;

/// A line for a person that says what happened (`* <text>`), not translated from the protocol.
pub fn note(text: &str) -> Line {
    Line::from(format!("* {text}\n"))
}

#[cfg(test)]
mod tests;
