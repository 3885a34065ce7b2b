//! Chat mode, for people on telnet or netcat: their lines in, the server's lines out.
//!
//! The core renders every reply and event once, in the protocol's form; for a session in chat
//! mode it passes each line through `for_people` (`people.rs`), which writes it the way a
//! person wants it: `[02:13] #lobby <alice> hello`, `* bob joined #lobby`, `! that name is
//! taken`. What the person types goes through `from_person` (`person.rs`), which turns
//! `/msg bob hi` or a plain line into the protocol line it stands for.

mod people;
mod person;

pub use people::{for_people, hhmm};
pub use person::from_person;

use super::render::Line;

/// A line for a person that says what happened (`* <text>`), not translated from the protocol.
pub fn note(text: &str) -> Line {
    Line::from(format!("* {text}\n"))
}

#[cfg(test)]
mod tests;
