//! labeled-response: the replies to a labeled command, found in the output queue once the
//! command (or the job it waited on) is done, become one labeled line, a `labeled-response`
//! batch, or `ACK`.

use crate::core::{Core, Output};
use crate::jobs::ConnId;
use crate::proto::irc;
use crate::proto::render::Line;

impl Core {
    /// After a labeled command: label its replies now, or when the job it waits on is done.
    pub(super) fn label_or_wait(&mut self, conn: ConnId, start: usize, label: String) {
        let waiting = self
            .sessions
            .get(&conn)
            .is_some_and(|s| s.pending.is_some());
        match self.irc_state_mut(conn) {
            Some(s) if waiting => s.label = Some(label),
            _ => self.label_replies(conn, start, &label),
        }
    }

    /// A job finished for `conn`: if its command was labeled, label what it sent from `start`.
    pub(in crate::core) fn label_after_job(&mut self, conn: ConnId, start: usize) {
        if self
            .sessions
            .get(&conn)
            .is_some_and(|s| s.pending.is_none())
            && let Some(label) = self.irc_state_mut(conn).and_then(|s| s.label.take())
        {
            self.label_replies(conn, start, &label);
        }
    }

    /// Replaces the lines queued for `conn` since `start` with their labeled form: one line
    /// labeled, several in a `labeled-response` batch, none as `ACK`. A reply with data lines
    /// stays reply data (not counted against the send queue), as it was unlabeled.
    pub(super) fn label_replies(&mut self, conn: ConnId, start: usize, label: &str) {
        let mut lines = Vec::new();
        let mut at = None;
        let mut data = false;
        let mut kept = std::collections::VecDeque::with_capacity(self.out.len());
        for (i, o) in self.out.drain(..).enumerate() {
            let is_data = matches!(o, Output::Data(..));
            match o {
                Output::Send(c, l) | Output::Data(c, l) if i >= start && c == conn => {
                    at.get_or_insert(kept.len());
                    data |= is_data;
                    lines.extend(l.split("\r\n").filter(|x| !x.is_empty()).map(String::from));
                }
                o => kept.push_back(o),
            }
        }
        let at = at.unwrap_or(kept.len());
        let server = self.server_name().to_owned();
        let text = irc::labeled(&lines, label, &server, &format!("L{}", self.now.mono_ms));
        let text = Line::from(text);
        kept.insert(
            at,
            if data {
                Output::Data(conn, text)
            } else {
                Output::Send(conn, text)
            },
        );
        self.out = kept;
    }
}
