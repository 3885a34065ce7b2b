//! The channel mask lists `+b` (bans), `+e` (their exceptions) and `+I` (invitations past
//! +i): kept in memory, listed with 367/348/346, matched against `nick!user@host`.

use super::modes::ChanModes;
use crate::core::Core;
use crate::jobs::ConnId;

/// The list modes: letter, list numeric, end numeric, what.
pub(super) const LISTS: [(char, u16, u16, &str); 3] = [
    ('b', 367, 368, "channel ban list"),
    ('e', 348, 349, "channel exception list"),
    ('I', 346, 347, "channel invite list"),
];

/// A `nick!user@host` mask with `*` and `?` matches `who`, ASCII case-insensitive.
pub fn mask_matches(mask: &str, who: &str) -> bool {
    pub(super) fn m(p: &[u8], s: &[u8]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some(b'*'), _) => m(&p[1..], s) || (!s.is_empty() && m(p, &s[1..])),
            (Some(b'?'), Some(_)) => m(&p[1..], &s[1..]),
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => m(&p[1..], &s[1..]),
            _ => false,
        }
    }
    m(mask.as_bytes(), who.as_bytes())
}

impl ChanModes {
    /// True if a `b` mask matches `who` and no `e` mask does.
    pub fn banned(&self, who: &str) -> bool {
        let hit = |l: &Vec<(String, String, i64)>| l.iter().any(|(m, ..)| mask_matches(m, who));
        hit(&self.lists[0]) && !hit(&self.lists[1])
    }

    /// True if an `I` mask matches `who`.
    pub fn invex(&self, who: &str) -> bool {
        self.lists[2].iter().any(|(m, ..)| mask_matches(m, who))
    }
}

impl Core {
    /// 367/348/346 per entry of list `i`, then its end.
    pub(super) fn send_list(&mut self, conn: ConnId, id: i64, i: usize) {
        let (_, n, end, what) = LISTS[i];
        let c = &self.world.channels[&id];
        let chan = c.name.clone();
        let rows = c.modes.lists[i].clone();
        for (mask, by, at) in rows {
            let line = self.num(conn, n).arg(&chan).arg(&mask).arg(&by);
            let line = line.arg(&at.to_string()).line();
            self.irc_send(conn, line);
        }
        self.irc_num(conn, end, &chan, &format!("End of {what}"));
    }

    /// Adds or removes a mask of list `i`; true if the list changed.
    pub(super) fn set_list(
        &mut self,
        conn: ConnId,
        id: i64,
        i: usize,
        mask: &str,
        on: bool,
    ) -> bool {
        let by = self.nick(conn);
        let at = self.now.wall_ms / 1000;
        let list = &mut self.world.channels.get_mut(&id).expect("known").modes.lists[i];
        let at_index = list.iter().position(|(m, ..)| m.eq_ignore_ascii_case(mask));
        match (on, at_index) {
            (true, None) => list.push((mask.to_owned(), by, at)),
            (false, Some(j)) => {
                list.remove(j);
            }
            _ => return false,
        }
        true
    }
}
