//! The IRC dialect's side of the core (../shared/IRC.md): an IRC session's state (`IrcState`:
//! nick, user, capabilities, registration), its lines in (`irc_frame`: parse, dispatch,
//! labeled-response), and the IRC commands, which act on the same world as the native ones
//! and mostly call the same handlers. Wire text is built in `proto::irc`.
//!
//! Submodules: `register` (CAP, NICK, USER, PASS, guests, QUIT), `sasl` (AUTHENTICATE, PASS
//! logins, OPER), `welcome` (the 001-005 burst), `reply` (events, replies and failures in IRC
//! form, tags per recipient), `label` (labeled-response), `chan` (JOIN, PART, NAMES, TOPIC, guests' channels),
//! `invite` (KICK, LIST, INVITE, KNOCK), `modes` (MODE), `lists` (+b, +e, +I), `query` (WHO, WHOIS, USERHOST, ISON,
//! AWAY, WALLOPS), `server` (LUSERS, MOTD, KILL, WHOWAS), `msg` (PRIVMSG, NOTICE, TAGMSG,
//! CHATHISTORY, RENAME).
//!
//! Guests (`[irc] guests`) are accounts that live in memory under negative ids, and so are
//! channels only guests were ever in: the store drops every job about them
//! (`StoreJob::in_memory_only`), and they vanish when their last session or member leaves.

mod chan;
mod invite;
mod label;
mod lists;
mod modes;
mod msg;
mod query;
mod register;
mod reply;
mod sasl;
mod server;
mod welcome;

use super::Core;
use crate::jobs::ConnId;
use crate::proto::Frame;
use crate::proto::irc::{self, Bad, Message, Out};
use crate::proto::render::Line;
pub use modes::ChanModes;
pub use reply::IrcRendered;

/// IRCv3 capabilities, as bits.
pub mod cap {
    pub const MULTI_PREFIX: u16 = 1;
    pub const USERHOST_IN_NAMES: u16 = 1 << 1;
    pub const SERVER_TIME: u16 = 1 << 2;
    pub const MESSAGE_TAGS: u16 = 1 << 3;
    pub const ECHO_MESSAGE: u16 = 1 << 4;
    pub const LABELED_RESPONSE: u16 = 1 << 5;
    pub const BATCH: u16 = 1 << 6;
    pub const AWAY_NOTIFY: u16 = 1 << 7;
    pub const ACCOUNT_TAG: u16 = 1 << 8;
    pub const SASL: u16 = 1 << 9;
    pub const CHATHISTORY: u16 = 1 << 10;

    /// Every capability offered: name, bit, value in `CAP LS 302`.
    pub const ALL: &[(&str, u16, &str)] = &[
        ("account-tag", ACCOUNT_TAG, ""),
        ("away-notify", AWAY_NOTIFY, ""),
        ("batch", BATCH, ""),
        ("draft/chathistory", CHATHISTORY, ""),
        ("echo-message", ECHO_MESSAGE, ""),
        ("labeled-response", LABELED_RESPONSE, ""),
        ("message-tags", MESSAGE_TAGS, ""),
        ("multi-prefix", MULTI_PREFIX, ""),
        ("sasl", SASL, "PLAIN"),
        ("server-time", SERVER_TIME, ""),
        ("userhost-in-names", USERHOST_IN_NAMES, ""),
    ];
}

/// How an IRC message was sent: as a NOTICE, with client-only tags.
#[derive(Debug, Clone, Default)]
pub struct Sent {
    pub notice: bool,
    pub client_tags: Option<String>,
}

/// One IRC connection's state.
#[derive(Debug, Default)]
pub struct IrcState {
    /// The nick asked for (before registration) or held.
    pub nick: Option<String>,
    pub user: Option<String>,
    pub realname: String,
    pub caps: u16,
    /// `CAP LS`/`REQ` came before registration: it waits for `CAP END`.
    pub cap_open: bool,
    pub registered: bool,
    /// The server password was given (or none is needed).
    pub pass_ok: bool,
    /// `AUTHENTICATE PLAIN` started: the payload so far.
    pub sasl: Option<String>,
    pub invisible: bool,
    pub oper: bool,
    /// User mode `+B`: a bot (WHO flag `B`, WHOIS 335, the `bot` tag on its messages).
    pub bot: bool,
    /// User mode `+w`: receives WALLOPS.
    pub wallops: bool,
    /// The label of a command whose reply waits on a job.
    pub label: Option<String>,
    /// Lines for after the command's reply, outside its label: a message to oneself, as
    /// its recipient.
    pub aside: Vec<Line>,
    pub signon_ms: i64,
}

impl IrcState {
    pub fn new(now_ms: i64) -> IrcState {
        IrcState {
            signon_ms: now_ms,
            ..Default::default()
        }
    }
}

impl Core {
    pub(super) fn irc_state(&self, conn: ConnId) -> Option<&IrcState> {
        self.sessions.get(&conn)?.irc.as_deref()
    }

    pub(super) fn irc_state_mut(&mut self, conn: ConnId) -> Option<&mut IrcState> {
        self.sessions.get_mut(&conn)?.irc.as_deref_mut()
    }

    /// True if the IRC session negotiated `bit`.
    pub(super) fn has_cap(&self, conn: ConnId, bit: u16) -> bool {
        self.irc_state(conn).is_some_and(|s| s.caps & bit != 0)
    }

    /// The session's nick, `*` before it has one.
    pub(super) fn nick(&self, conn: ConnId) -> String {
        match self.account_of(conn) {
            Some(a) => self.world.name_of(a).to_owned(),
            None => self
                .irc_state(conn)
                .and_then(|s| s.nick.clone())
                .filter(|_| self.irc_state(conn).is_some_and(|s| s.registered))
                .unwrap_or_else(|| "*".into()),
        }
    }

    pub(super) fn server_name(&self) -> &str {
        &self.settings.irc.server_name
    }

    /// A numeric for the session, to finish with `arg`/`text` and send with `irc_send`.
    pub(super) fn num(&self, conn: ConnId, code: u16) -> Out {
        Out::numeric(self.server_name(), code, &self.nick(conn))
    }

    /// A line from the server itself.
    pub(super) fn server_line(&self, verb: &str) -> Out {
        Out::new(Some(self.server_name()), verb)
    }

    /// Sends a line to an IRC session, with `time` when it asked for server-time.
    pub(super) fn irc_send(&mut self, conn: ConnId, line: String) {
        let line = self.timed(conn, line);
        self.out.push_back(super::Output::Send(conn, line.into()));
    }

    /// Sends a data line of a reply the client asked for (NAMES, WHO, LIST, history): like
    /// the native data lines, not counted against the send queue (`Output::Data`).
    pub(super) fn irc_send_data(&mut self, conn: ConnId, line: String) {
        let line = self.timed(conn, line);
        self.out.push_back(super::Output::Data(conn, line.into()));
    }

    /// The line with `time` when the session asked for server-time.
    fn timed(&self, conn: ConnId, line: String) -> String {
        if !self.has_cap(conn, cap::SERVER_TIME) {
            return line;
        }
        let mut time = String::with_capacity(32);
        time.push_str("time=");
        crate::time::push_rfc3339(&mut time, self.now.wall_ms);
        irc::with_tag(&line, &time)
    }

    /// A line from an IRC connection.
    pub(super) fn irc_frame(&mut self, conn: ConnId, frame: Frame) {
        let line = match frame {
            Frame::Line(line) => line,
            Frame::TooLong => return self.too_long(conn),
            Frame::BadEncoding => {
                let o = self.server_line("FAIL").arg("*").arg("INVALID_UTF8");
                let line = o.text("lines must be UTF-8").line();
                return self.irc_send(conn, line);
            }
        };
        let msg = match irc::parse(&line) {
            Ok(msg) => msg,
            Err(Bad::TooLong) => return self.too_long(conn),
            Err(Bad::Empty) => return,
        };
        let label = msg
            .tags
            .filter(|_| self.has_cap(conn, cap::LABELED_RESPONSE))
            .and_then(|t| irc::tags(t).into_iter().find(|(k, _)| *k == "label"))
            .map(|(_, v)| v);
        if let Some(me) = self
            .account_of(conn)
            .filter(|_| !matches!(msg.verb.as_str(), "PING" | "PONG" | "AWAY"))
        {
            self.active(me);
        }
        let start = self.out.len();
        self.irc_command(conn, &msg);
        if let Some(label) = label {
            self.label_or_wait(conn, start, label);
        }
        let aside = self
            .irc_state_mut(conn)
            .map(|s| std::mem::take(&mut s.aside));
        for line in aside.into_iter().flatten() {
            self.out.push_back(super::Output::Send(conn, line));
        }
    }

    fn too_long(&mut self, conn: ConnId) {
        let line = self.num(conn, 417).text("Input line was too long").line();
        self.irc_send(conn, line);
    }

    /// Runs one IRC command.
    fn irc_command(&mut self, conn: ConnId, m: &Message) {
        let registered = self.irc_state(conn).is_some_and(|s| s.registered);
        let p = &m.params;
        match m.verb.as_str() {
            "CAP" => self.irc_cap(conn, p),
            "NICK" => self.irc_nick(conn, p),
            "USER" => self.irc_user(conn, p),
            "PASS" => self.irc_pass(conn, p),
            "AUTHENTICATE" => self.irc_authenticate(conn, p),
            "QUIT" => self.irc_quit(conn, p.first().copied()),
            "PING" => self.irc_ping(conn, p),
            "PONG" => {}
            verb if !registered => {
                let line = self.num(conn, 451).arg(verb);
                let line = line.text("You have not registered").line();
                self.irc_send(conn, line);
            }
            _ => self.irc_registered_command(conn, m),
        }
    }

    /// The commands of a registered IRC session.
    fn irc_registered_command(&mut self, conn: ConnId, m: &Message) {
        let p = &m.params;
        match m.verb.as_str() {
            "JOIN" => self.irc_join(conn, p),
            "PART" => self.irc_part(conn, p),
            "PRIVMSG" | "NOTICE" | "TAGMSG" => self.irc_message(conn, m),
            "TOPIC" => self.irc_topic(conn, p),
            "KICK" => self.irc_kick(conn, p),
            "NAMES" => self.irc_names_cmd(conn, p),
            "LIST" => self.irc_list(conn, p),
            "INVITE" => self.irc_invite(conn, p),
            "KNOCK" => self.irc_knock(conn, p),
            "MODE" => self.irc_mode(conn, p),
            "WHO" => self.irc_who(conn, p),
            "WHOIS" => self.irc_whois(conn, p),
            "USERHOST" => self.irc_userhost(conn, p),
            "ISON" => self.irc_ison(conn, p),
            "AWAY" => self.irc_away(conn, p),
            "LUSERS" => self.irc_lusers(conn),
            "MOTD" => self.irc_motd(conn),
            "OPER" => self.irc_oper(conn, p),
            "RENAME" => self.irc_rename(conn, p),
            "CHATHISTORY" => self.irc_chathistory(conn, p),
            "KILL" => self.irc_kill(conn, p),
            "WALLOPS" => self.irc_wallops(conn, p),
            "LINKS" => self.irc_num(conn, 365, "*", "End of /LINKS list"),
            "WHOWAS" => self.irc_whowas(conn, p),
            "TIME" => {
                let now = crate::time::rfc3339(self.now.wall_ms);
                let line = self
                    .num(conn, 391)
                    .arg(self.server_name())
                    .text(&now)
                    .line();
                self.irc_send(conn, line);
            }
            "INFO" => {
                let text = format!(
                    "chatd {}: chat with history, IRC-style",
                    self.settings.version
                );
                let line = self.num(conn, 371).text(&text).line();
                self.irc_send(conn, line);
                let line = self.num(conn, 374).text("End of INFO list").line();
                self.irc_send(conn, line);
            }
            "VERSION" => {
                let v = format!("chatd-{}", self.settings.version);
                let line = self.num(conn, 351).arg(&v).arg(self.server_name());
                let line = line.text("chatd IRC dialect").line();
                self.irc_send(conn, line);
            }
            verb => {
                let line = self.num(conn, 421).arg(verb);
                let line = line.text("Unknown command").line();
                self.irc_send(conn, line);
            }
        }
    }

    /// `PING x` → `PONG S :x`.
    fn irc_ping(&mut self, conn: ConnId, p: &[&str]) {
        let line = match p.first() {
            Some(token) => {
                let o = self.server_line("PONG").arg(self.server_name());
                o.text(token).line()
            }
            None => self.num(conn, 409).text("No origin specified").line(),
        };
        self.irc_send(conn, line);
    }

    /// `461 me VERB :Not enough parameters`.
    pub(super) fn need_more(&mut self, conn: ConnId, verb: &str) {
        let line = self.num(conn, 461).arg(verb);
        let line = line.text("Not enough parameters").line();
        self.irc_send(conn, line);
    }
}
