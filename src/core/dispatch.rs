//! The dispatcher: a parsed command to its handler. Commands anyone may send go to
//! `open_command`; the rest need a login and go to `member_command` with the account. A
//! command that must write is refused while storage fails. A handler's `Fail` is rendered here,
//! once, with the command's verb.

use super::irc::Sent;
use super::{Core, Fail, Handled};
use crate::jobs::ConnId;
use crate::proto::Verb;
use crate::proto::{Code, Command};

impl Core {
    /// Runs a command; a refusal is rendered here, once, with the command's verb.
    pub(super) fn command(&mut self, conn: ConnId, verb: &str, cmd: Command) {
        if let Err(f) = self.dispatch(conn, cmd) {
            let context: Vec<&str> = f.context.as_deref().into_iter().collect();
            self.fail_with(conn, verb, f.code, &context, &f.text);
        }
    }

    fn dispatch(&mut self, conn: ConnId, cmd: Command) -> Handled {
        let me = match self.account_of(conn) {
            None if cmd.needs_login() => {
                let text = "log in first (LOGIN or REGISTER)";
                return Err(Fail::new(Code::NotLoggedIn, text));
            }
            me => me,
        };
        if cmd.writes() && self.storage_failure.is_some() {
            return Err(Fail::new(Code::Unavailable, "storage is failing"));
        }
        match me {
            Some(me) if cmd.needs_login() => self.member_command(conn, me, cmd),
            _ => self.open_command(conn, cmd),
        }
    }

    /// The commands anyone may send, logged in or not.
    fn open_command(&mut self, conn: ConnId, cmd: Command) -> Handled {
        match cmd {
            Command::Register {
                name,
                password,
                confirm,
            } => self.register(conn, &name, password, &confirm),
            Command::Login { name, password } => self.login(conn, &name, password),
            Command::Quit { reason } => self.quit(conn, reason),
            Command::Help { topic } => self.help(conn, topic),
            Command::Ping { token } => {
                self.ok(conn, Verb::Ping, &[token.as_deref().unwrap_or_default()]);
                Ok(())
            }
            Command::Pong { .. } => Ok(()),
            other => unreachable!("{other:?} needs a login"),
        }
    }

    /// The commands of a logged-in account `me`.
    fn member_command(&mut self, conn: ConnId, me: i64, cmd: Command) -> Handled {
        match cmd {
            Command::Logout => self.logout(conn),
            Command::Join { channel } => self.join(conn, me, &channel),
            Command::Part { channel, reason } => self.part(conn, me, &channel, reason),
            Command::Msg { channel, text } => self.msg(conn, me, &channel, text, &Sent::default()),
            Command::Privmsg { target, text } => {
                self.privmsg(conn, me, &target, text, &Sent::default())
            }
            Command::History {
                target,
                limit,
                before,
            } => self.history(conn, me, target, limit, before),
            Command::Kick {
                channel,
                name,
                reason,
            } => self.kick(conn, me, channel, &name, reason),
            Command::Op { channel, name } => self.set_op(conn, me, &channel, &name, true),
            Command::Deop { channel, name } => self.set_op(conn, me, &channel, &name, false),
            Command::Whois { name } => self.whois(conn, me, &name),
            Command::ChannelMode { channel, private } => {
                self.channel_mode(conn, me, &channel, private)
            }
            Command::DropChannel { channel } => self.drop_channel(conn, me, &channel),
            Command::Topic { channel, text } => self.topic(conn, me, &channel, text),
            Command::Requests { channel } => self.requests(conn, me, &channel),
            Command::Accept { channel, name } => self.decide(conn, me, &channel, &name, true),
            Command::Reject { channel, name } => self.decide(conn, me, &channel, &name, false),
            Command::Audit { limit } => self.audit_log(conn, me, limit),
            Command::Away { text } => self.away(conn, me, text),
            Command::Back => self.back(conn, me),
            Command::Users => self.users(conn),
            Command::Rename { name } => self.rename(conn, me, &name),
            Command::Ban {
                target,
                duration_secs,
                reason,
            } => self.ban(conn, me, &target, duration_secs, reason),
            Command::Unban { target } => self.unban(conn, me, &target),
            Command::Bans => self.list_bans(conn, me),
            Command::Names { channel } => self.names(conn, me, &channel),
            Command::Who => self.who(conn),
            Command::List => self.list(conn, me),
            Command::Register { .. }
            | Command::Login { .. }
            | Command::Quit { .. }
            | Command::Help { .. }
            | Command::Ping { .. }
            | Command::Pong { .. } => unreachable!("open commands go to open_command"),
        }
    }
}
