//! TOPIC: a channel's topic, stored, shown to whoever may see the channel, set by those who
//! moderate it (owner, operators, admins: IRC's `+t`, which chatd's channels always have).

use super::state::Topic;
use super::{Core, Fail, Handled};
use crate::jobs::{ConnId, StoreJob};
use crate::proto::{Code, Data, Event, Verb};

impl Core {
    /// # Format
    /// `TOPIC <#channel>` → `TOPIC <#channel> <by> <time> :<text>` then `OK TOPIC <#channel>`,
    /// or `OK TOPIC <#channel> NONE`. `TOPIC <#channel> :<text>` (owner, operator, admin) →
    /// `OK TOPIC <#channel> SET`, and the members get `TOPIC <#channel> <by> :<text>`;
    /// `TOPIC <#channel> :` clears it: `OK TOPIC <#channel> CLEARED`, the event with no text.
    pub(super) fn topic(
        &mut self,
        conn: ConnId,
        me: i64,
        channel: &str,
        text: Option<String>,
    ) -> Handled {
        let id = self.channel_id(channel)?;
        if !self.can_see(me, id) {
            let text = "the channel is private and you are not in it";
            return Err(Fail::on(Code::NotInChannel, channel, text));
        }
        match text {
            None => self.show_topic(conn, id),
            Some(text) => self.set_topic(conn, me, id, text),
        }
    }

    fn show_topic(&mut self, conn: ConnId, id: i64) -> Handled {
        let c = &self.world.channels[&id];
        let name = c.name.clone();
        let Some(t) = &c.topic else {
            self.ok(conn, Verb::Topic, &[&name, "NONE"]);
            return Ok(());
        };
        let data = Data::Topic {
            channel: &c.name,
            by: &t.by,
            time_ms: t.at_ms,
            text: &t.text,
        };
        let lines = self.data_line(conn, &data).into_iter().collect();
        self.reply(conn, lines, Verb::Topic, &[&name]);
        Ok(())
    }

    fn set_topic(&mut self, conn: ConnId, me: i64, id: i64, text: String) -> Handled {
        let name = self.world.channels[&id].name.clone();
        if !self.can_moderate(me, id) {
            let why = "only the channel's owner, its operators or an admin may set its topic";
            return Err(Fail::on(Code::NotAllowed, &name, why));
        }
        self.put_topic(conn, me, id, text)
    }

    /// Sets the topic (whoever may: the caller checked), tells the members, stores it.
    pub(super) fn put_topic(&mut self, conn: ConnId, me: i64, id: i64, text: String) -> Handled {
        let name = self.world.channels[&id].name.clone();
        let by = self.world.name_of(me).to_owned();
        let line = self.rendered(&Event::Topic {
            channel: &name,
            by: &by,
            text: &text,
        });
        self.fan_out_channel(id, &line, self.others(conn));
        let topic = (!text.is_empty()).then_some(Topic {
            text,
            by,
            at_ms: self.now.wall_ms,
        });
        let outcome = if topic.is_some() { "SET" } else { "CLEARED" };
        self.world.channels.get_mut(&id).expect("checked").topic = topic.clone();
        self.store(StoreJob::SetTopic { channel: id, topic });
        self.ok(conn, Verb::Topic, &[&name, outcome]);
        Ok(())
    }
}
