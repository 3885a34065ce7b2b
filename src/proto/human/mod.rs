//! Chat mode, for people on telnet or netcat: their lines in, the server's lines out.
//!
//! Events are values (`proto::Event`): `event` (`people.rs`) writes each kind the way a person
//! wants it, `[02:13] #lobby <alice> hello`, `* bob joined #lobby`, in an exhaustive `match`,
//! and the core renders an event for people once per delivery, as it renders it once for
//! programs. Replies and data lines are still rendered in the protocol's form and passed
//! through `for_people`, which writes them as sentences (`! that name is taken`) and reads
//! event-shaped lines (HIST) back into `Event`s, so an event has one wording. What the person types goes through `from_person` (`person.rs`), which turns
//! `/msg bob hi` or a plain line into the protocol line it stands for.

mod people;
mod person;

pub use people::{event, for_people, hhmm};
pub use person::from_person;

use super::render::Line;

/// A line for a person that says what happened (`* <text>`), not translated from the protocol.
pub fn note(text: &str) -> Line {
    Line::from(format!("* {text}\n"))
}

#[cfg(test)]
mod tests;
