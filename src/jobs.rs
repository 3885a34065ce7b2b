//! The work the core hands to other threads, and what comes back.
//!
//! The core yields `StoreJob`s (for the writer thread) and `AuthJob`s (for the bcrypt workers)
//! as data; `Completion`s come back through the loop's channel and Waker and are fed to the core
//! as inputs. Every job that a client waits on carries the client's `ConnId`, whose generation
//! keeps a late completion from reaching a later connection in the same slot.

/// A connection's identity: slab slot in the low 32 bits, generation in the high 32.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

impl ConnId {
    /// The id of slot `slot` in its `generation`.
    pub fn new(slot: usize, generation: u32) -> ConnId {
        ConnId((u64::from(generation) << 32) | slot as u64)
    }

    /// The slab slot.
    pub fn slot(self) -> usize {
        (self.0 & 0xffff_ffff) as usize
    }
}

/// Shown in logs as the generation, which numbers connections in the order they came.
impl std::fmt::Display for ConnId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0 >> 32)
    }
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub id: i64,
    pub name: String,
    pub hash: String,
}

/// A message to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    pub id: u64,
    pub time_ms: i64,
    pub sender: i64,
    pub target: MessageTarget,
    pub text: String,
}

/// Where a message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageTarget {
    Channel(i64),
    Account(i64),
}

/// A ban as stored. `account` is set for a name ban, `net` (an address or CIDR) otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BanRow {
    pub id: i64,
    pub account: Option<i64>,
    pub net: Option<String>,
    pub by: String,
    pub created_ms: i64,
    pub expires_ms: Option<i64>,
    pub reason: String,
}

/// A history query: messages before `before` (all when `None`), the latest `limit`; with
/// `after`, the first `limit` after it instead (IRC's CHATHISTORY AFTER and BETWEEN).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryQuery {
    pub target: MessageTarget,
    /// For a private conversation: the account asking (the other party is `target`).
    pub me: i64,
    pub before: Option<u64>,
    pub after: Option<u64>,
    pub limit: usize,
}

/// One row of a history answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub id: u64,
    pub time_ms: i64,
    pub sender: i64,
    /// The channel's id for a channel message; the recipient's id for a private one. The core
    /// shows the accounts' current names.
    pub channel: Option<i64>,
    pub recipient: Option<i64>,
    pub text: String,
}

/// An audit record: who did what to whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub time_ms: i64,
    /// The account acting, or `-`.
    pub actor: String,
    /// LOGIN, LOGIN_FAILED, KICK, BAN, UNBAN, OP, DEOP, CHANNEL, ACCEPT, REJECT.
    pub action: String,
    pub target: String,
    pub detail: String,
}

/// A join request's state, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStatus {
    Pending,
    Accepted,
    Rejected,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Accepted => "accepted",
            RequestStatus::Rejected => "rejected",
        }
    }
}

/// Work for the writer thread, done in the order sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreJob {
    CreateAccount {
        conn: ConnId,
        name: String,
        hash: String,
        admin: bool,
        at_ms: i64,
    },
    FindAccount {
        conn: ConnId,
        name: String,
    },
    TouchAccount {
        id: i64,
        ip: String,
        at_ms: i64,
    },
    CreateChannel {
        id: i64,
        name: String,
        owner: i64,
        at_ms: i64,
    },
    AddMember {
        account: i64,
        channel: i64,
        at_ms: i64,
    },
    RemoveMember {
        account: i64,
        channel: i64,
    },
    InsertMessage(MessageRow),
    History {
        conn: ConnId,
        query: HistoryQuery,
    },
    AddBan(BanRow),
    RemoveBan {
        id: i64,
    },
    /// A channel's topic (`None`: cleared).
    SetTopic {
        channel: i64,
        topic: Option<crate::core::Topic>,
    },
    /// The channel with its members, operators, requests and history.
    DropChannel {
        id: i64,
    },
    SetPrivate {
        channel: i64,
        private: bool,
    },
    AddOp {
        channel: i64,
        account: i64,
    },
    RemoveOp {
        channel: i64,
        account: i64,
    },
    SetRequest {
        channel: i64,
        account: i64,
        status: RequestStatus,
        at_ms: i64,
        by: Option<String>,
    },
    InsertAudit(AuditRow),
    Audit {
        conn: ConnId,
        limit: usize,
    },
    RenameAccount {
        conn: ConnId,
        id: i64,
        name: String,
    },
}

/// Password work for the bcrypt workers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthJob {
    Hash {
        conn: ConnId,
        name: String,
        password: String,
        cost: u32,
    },
    /// `account` is `None` for an unknown name: a dummy hash is checked so timing tells nothing.
    Verify {
        conn: ConnId,
        account: Option<AccountRecord>,
        password: String,
        cost: u32,
    },
}

/// A finished job, back on the loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    Hashed {
        conn: ConnId,
        name: String,
        hash: Option<String>,
    },
    Verified {
        conn: ConnId,
        account: Option<AccountRecord>,
    },
    AccountCreated {
        conn: ConnId,
        result: Result<AccountRecord, CreateError>,
    },
    AccountFound {
        conn: ConnId,
        account: Option<AccountRecord>,
    },
    History {
        conn: ConnId,
        rows: Option<Vec<HistoryRow>>,
    },
    Audit {
        conn: ConnId,
        rows: Option<Vec<AuditRow>>,
    },
    Renamed {
        conn: ConnId,
        result: Result<(), CreateError>,
    },
    /// The writer's health changed: `Some(why)` when commits start failing, `None` when one
    /// succeeds again.
    Storage { failing: Option<String> },
}

/// Why an account could not be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateError {
    NameTaken,
    Storage,
}

/// Where a worker thread hands a completion: the loop's channel plus a wake-up.
pub type Notify = std::sync::Arc<dyn Fn(Completion) + Send + Sync>;

impl StoreJob {
    /// True for a job about a guest or a channel only guests were ever in (negative ids):
    /// they live in memory only, so there is nothing to store.
    pub fn in_memory_only(&self) -> bool {
        use StoreJob::*;
        match self {
            TouchAccount { id, .. } => *id < 0,
            CreateChannel { id, owner, .. } => *id < 0 || *owner < 0,
            AddMember {
                account, channel, ..
            }
            | RemoveMember { account, channel }
            | AddOp { channel, account }
            | RemoveOp { channel, account }
            | SetRequest {
                channel, account, ..
            } => *account < 0 || *channel < 0,
            InsertMessage(row) => {
                row.sender < 0
                    || match row.target {
                        MessageTarget::Channel(c) => c < 0,
                        MessageTarget::Account(a) => a < 0,
                    }
            }
            SetTopic { channel, .. } | SetPrivate { channel, .. } => *channel < 0,
            DropChannel { id } => *id < 0,
            AddBan(row) => row.account.is_some_and(|a| a < 0),
            _ => false,
        }
    }
}

impl Completion {
    /// The connection waiting on the job, if one is.
    pub fn conn(&self) -> Option<ConnId> {
        use Completion::*;
        match self {
            Hashed { conn, .. }
            | AccountCreated { conn, .. }
            | AccountFound { conn, .. }
            | Verified { conn, .. }
            | History { conn, .. }
            | Audit { conn, .. }
            | Renamed { conn, .. } => Some(*conn),
            Storage { .. } => None,
        }
    }
}
