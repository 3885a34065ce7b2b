//! The welcome burst of a registered IRC connection: 001-005 (ISUPPORT), LUSERS, MOTD, then
//! the account's channels (JOIN, topic and names for each).

use crate::core::Core;
use crate::jobs::ConnId;
use crate::proto::irc::Out;

impl Core {
    /// 001-005, LUSERS, MOTD, then the account's channels.
    pub(super) fn welcome(&mut self, conn: ConnId, me: i64) {
        let nick = self.world.name_of(me).to_owned();
        let mask = self.mask_of(&nick);
        let (server, version) = (self.server_name().to_owned(), self.settings.version.clone());
        let texts = [
            (1, format!("Welcome to the chatd IRC network, {mask}")),
            (
                2,
                format!("Your host is {server}, running version chatd-{version}"),
            ),
            (3, "This server was created when it started".to_owned()),
        ];
        for (n, text) in texts {
            let line = self.num(conn, n).text(&text).line();
            self.irc_send(conn, line);
        }
        let v = format!("chatd-{version}");
        let line = self.num(conn, 4).arg(&server).arg(&v).arg("iowB");
        let line = line.arg("biklmnostv").arg("bklov").line();
        self.irc_send(conn, line);
        for tokens in self.isupport().chunks(12) {
            let mut o = self.num(conn, 5);
            for t in tokens {
                o = o.arg(t);
            }
            let line = o.text("are supported by this server").line();
            self.irc_send(conn, line);
        }
        self.irc_lusers(conn);
        self.irc_motd(conn);
        self.join_burst(conn, me);
    }

    /// RPL_ISUPPORT's tokens.
    pub(super) fn isupport(&self) -> Vec<String> {
        let l = &self.settings.limits;
        vec![
            "AWAYLEN=390".into(),
            "BOT=B".into(),
            "CASEMAPPING=ascii".into(),
            "CHANLIMIT=#:".to_owned() + &l.channels_per_user.to_string(),
            "CHANMODES=beI,k,l,imnst".into(),
            "CHANNELLEN=50".into(),
            "CHANTYPES=#".into(),
            format!("CHATHISTORY={}", l.history_max),
            "ELIST=".into(),
            "EXCEPTS=e".into(),
            "INVEX=I".into(),
            "KICKLEN=390".into(),
            "LINELEN=512".into(),
            "MODES=4".into(),
            "MSGREFTYPES=msgid,timestamp".into(),
            format!("NETWORK={}", self.settings.server_name),
            "NICKLEN=32".into(),
            "PREFIX=(ov)@+".into(),
            "TARGMAX=JOIN:,PART:,KICK:1,NAMES:1,PRIVMSG:1,NOTICE:1,TAGMSG:1,WHOIS:1".into(),
            "TOPICLEN=390".into(),
            "UTF8ONLY".into(),
        ]
    }

    /// An account's IRC session starts in all its channels: JOIN, topic and names each.
    pub(super) fn join_burst(&mut self, conn: ConnId, me: i64) {
        let Some(a) = self.world.accounts.get(&me) else {
            return;
        };
        let mut chans: Vec<(String, i64)> = a
            .channels
            .iter()
            .filter_map(|c| self.world.channels.get(c).map(|c| (c.name.clone(), c.id)))
            .collect();
        chans.sort();
        let mask = self.mask_of(self.world.name_of(me));
        for (name, id) in chans {
            let line = Out::new(Some(&mask), "JOIN").arg(&name).line();
            self.irc_send(conn, line);
            self.irc_topic_lines(conn, id, false);
            self.irc_names(conn, id);
        }
    }
}
