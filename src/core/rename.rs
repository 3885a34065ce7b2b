//! RENAME: a new name for an account. It goes through the writer, which has the last word on
//! whether a name is free; history, memberships, bans and private messages follow the account
//! because they refer to its id.

use super::state::Pending;
use super::{Core, Fail, Handled};
use crate::jobs::{ConnId, CreateError, StoreJob};
use crate::proto::Event;
use crate::proto::Verb;
use crate::proto::{Code, NAME_RULE, key, valid_name};

impl Core {
    /// # Format
    /// `RENAME <newname>` → `OK RENAME <old> <new>`; users who share a channel get
    /// `RENAMED <old> <new>`. History, memberships, bans and private messages follow.
    pub(super) fn rename(&mut self, conn: ConnId, me: i64, new: &str) -> Handled {
        let old = self.world.name_of(me).to_owned();
        let taken = self.world.account_by_name(new).is_some_and(|a| a.id != me);
        let admins = &self.settings.admins;
        let refusal = if !valid_name(new) {
            Some((Code::BadName, NAME_RULE))
        } else if admins.contains(&key(&old)) || admins.contains(&key(new)) {
            Some((Code::NotAllowed, "admin names cannot be renamed or taken"))
        } else if taken {
            Some((Code::NameTaken, "that name is taken"))
        } else {
            None
        };
        if let Some((code, text)) = refusal {
            return Err(Fail::on(code, new, text));
        }
        self.start_pending(
            conn,
            Pending::Rename {
                old,
                new: new.to_owned(),
            },
        );
        self.store(StoreJob::RenameAccount {
            conn,
            id: me,
            name: new.to_owned(),
        });
        Ok(())
    }

    pub(super) fn renamed(&mut self, conn: ConnId, result: Result<(), CreateError>) {
        let Some(Pending::Rename { old, new }) = self.finish_pending(conn) else {
            return;
        };
        let Some(me) = self.account_of(conn) else {
            return;
        };
        match result {
            Ok(()) => {
                self.world.rename(me, &new);
                log::info!("rename {old} to {new}");
                let line = self.rendered(&Event::Renamed {
                    old: &old,
                    new: &new,
                });
                let mut to = self.world.sharing_sessions(me);
                to.extend(self.world.sessions_of(me));
                self.fan_out(to, &line, self.others(conn));
                self.ok(conn, Verb::Rename, &[&old, &new]);
            }
            Err(CreateError::NameTaken) => {
                self.fail_on(conn, "RENAME", Code::NameTaken, &new, "that name is taken")
            }
            Err(CreateError::Storage) => self.fail(
                conn,
                "RENAME",
                Code::Unavailable,
                "storage failed; try again",
            ),
        }
    }
}
