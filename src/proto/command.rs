//! The commands a client can send, as the parser yields them.

/// A parsed client command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Register {
        name: String,
        password: String,
        confirm: String,
    },
    Login {
        name: String,
        password: String,
    },
    Logout,
    Quit {
        reason: Option<String>,
    },
    Join {
        channel: String,
    },
    Part {
        channel: String,
        reason: Option<String>,
    },
    Msg {
        channel: String,
        text: String,
    },
    Privmsg {
        target: String,
        text: String,
    },
    History {
        target: String,
        limit: Option<usize>,
        before: Option<u64>,
    },
    /// `KICK <#channel> <name>`, or `KICK <name>` (no channel: off the server).
    Kick {
        channel: Option<String>,
        name: String,
        reason: Option<String>,
    },
    Op {
        channel: String,
        name: String,
    },
    Deop {
        channel: String,
        name: String,
    },
    Whois {
        name: String,
    },
    /// `CHANNEL <#channel> PRIVATE|PUBLIC`.
    ChannelMode {
        channel: String,
        private: bool,
    },
    /// `CHANNEL <#channel> DROP` (admin): the channel and its history are deleted.
    DropChannel {
        channel: String,
    },
    /// `TOPIC <#channel> [:text]`: `None` asks, `Some("")` clears.
    Topic {
        channel: String,
        text: Option<String>,
    },
    Requests {
        channel: String,
    },
    Accept {
        channel: String,
        name: String,
    },
    Reject {
        channel: String,
        name: String,
    },
    Audit {
        limit: Option<usize>,
    },
    Away {
        text: Option<String>,
    },
    Back,
    Users,
    Rename {
        name: String,
    },
    Ban {
        target: String,
        duration_secs: Option<u64>,
        reason: Option<String>,
    },
    Unban {
        target: String,
    },
    Bans,
    Names {
        channel: String,
    },
    Who,
    List,
    Help {
        topic: Option<String>,
    },
    Ping {
        token: Option<String>,
    },
    Pong {
        token: Option<String>,
    },
}

impl Command {
    /// True for the commands anyone may send; the others need a login.
    pub fn needs_login(&self) -> bool {
        !matches!(
            self,
            Command::Register { .. }
                | Command::Login { .. }
                | Command::Help { .. }
                | Command::Ping { .. }
                | Command::Pong { .. }
                | Command::Quit { .. }
        )
    }

    /// True for the commands that must store something before they can answer OK: while
    /// storage fails they are refused with UNAVAILABLE, so nothing is acknowledged that cannot
    /// be kept.
    pub fn writes(&self) -> bool {
        matches!(
            self,
            Command::Register { .. }
                | Command::Join { .. }
                | Command::Part { .. }
                | Command::Msg { .. }
                | Command::Privmsg { .. }
                | Command::Kick { .. }
                | Command::Op { .. }
                | Command::Deop { .. }
                | Command::ChannelMode { .. }
                | Command::DropChannel { .. }
                | Command::Topic { text: Some(_), .. }
                | Command::Accept { .. }
                | Command::Reject { .. }
                | Command::Rename { .. }
                | Command::Ban { .. }
                | Command::Unban { .. }
        )
    }
}

/// The verb of a command that succeeded, for its final reply (`OK <VERB> ...`). Each dialect
/// renders a reply by its verb, so a new command does not compile until every dialect can say
/// that it worked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Register,
    Login,
    Logout,
    Join,
    Part,
    Msg,
    Privmsg,
    History,
    Kick,
    Op,
    Deop,
    Whois,
    Channel,
    Topic,
    Requests,
    Accept,
    Reject,
    Audit,
    Away,
    Back,
    Users,
    Rename,
    Ban,
    Unban,
    Bans,
    Names,
    Who,
    List,
    Help,
    Ping,
}

impl Verb {
    /// The verb on the wire.
    pub fn as_str(self) -> &'static str {
        use Verb::*;
        match self {
            Register => "REGISTER",
            Login => "LOGIN",
            Logout => "LOGOUT",
            Join => "JOIN",
            Part => "PART",
            Msg => "MSG",
            Privmsg => "PRIVMSG",
            History => "HISTORY",
            Kick => "KICK",
            Op => "OP",
            Deop => "DEOP",
            Whois => "WHOIS",
            Channel => "CHANNEL",
            Topic => "TOPIC",
            Requests => "REQUESTS",
            Accept => "ACCEPT",
            Reject => "REJECT",
            Audit => "AUDIT",
            Away => "AWAY",
            Back => "BACK",
            Users => "USERS",
            Rename => "RENAME",
            Ban => "BAN",
            Unban => "UNBAN",
            Bans => "BANS",
            Names => "NAMES",
            Who => "WHO",
            List => "LIST",
            Help => "HELP",
            Ping => "PING",
        }
    }
}
