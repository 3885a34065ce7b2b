//! The protocol's rule matrices through the core harness, without sockets: who may send what,
//! and the failure each one gets. The TCP tests keep what only sockets show.

use super::Harness;

/// A command line of every verb that needs a login.
const NEEDS_LOGIN: &[&str] = &[
    "LOGOUT",
    "JOIN #c",
    "PART #c",
    "MSG #c hi",
    "PRIVMSG amy hi",
    "HISTORY #c",
    "KICK #c amy",
    "OP #c amy",
    "DEOP #c amy",
    "WHOIS amy",
    "CHANNEL #c PRIVATE",
    "CHANNEL #c DROP",
    "REQUESTS #c",
    "ACCEPT #c amy",
    "REJECT #c amy",
    "AUDIT",
    "AWAY",
    "BACK",
    "USERS",
    "RENAME amelia",
    "BAN amy",
    "UNBAN amy",
    "BANS",
    "NAMES #c",
    "WHO",
    "LIST",
];

/// Commands only admins may send, as a plain user would try them.
const ADMIN_ONLY: &[&str] = &[
    "KICK bob",
    "BAN bob 1h :no",
    "UNBAN bob",
    "BANS",
    "WHOIS bob",
    "AUDIT",
    "CHANNEL #c DROP",
];

/// Commands only a channel's moderators (owner, operators, admins) may send, as a member would.
const MODERATORS_ONLY: &[&str] = &[
    "KICK #c bob",
    "OP #c bob",
    "DEOP #c amy",
    "CHANNEL #c PRIVATE",
    "REQUESTS #c",
    "ACCEPT #c bob",
    "REJECT #c bob",
];

#[test]
fn every_command_but_the_open_ones_needs_a_login() {
    let mut h = Harness::new();
    h.user("amy");
    let c = h.connect();
    h.take(c);
    for line in NEEDS_LOGIN {
        h.fails(c, line, "NOT_LOGGED_IN");
    }
    h.ok(c, "PING x", "OK PING x");
    h.line(c, "HELP");
    assert_eq!(h.take(c).last().unwrap(), "OK HELP");
}

#[test]
fn admin_commands_are_not_allowed_to_users() {
    let mut h = Harness::new();
    let amy = h.user("amy");
    h.user("bob");
    h.take(amy); // ONLINE bob
    h.ok(amy, "JOIN #c", "OK JOIN #c");
    for line in ADMIN_ONLY {
        h.fails(amy, line, "NOT_ALLOWED");
    }
}

#[test]
fn moderation_is_not_allowed_to_members() {
    let mut h = Harness::new();
    let amy = h.user("amy");
    let bob = h.user("bob");
    h.take(amy); // ONLINE bob
    h.ok(amy, "JOIN #c", "OK JOIN #c");
    h.line(bob, "JOIN #c");
    h.take(bob);
    h.take(amy);
    for line in MODERATORS_ONLY {
        h.fails(bob, line, "NOT_ALLOWED");
    }
    h.ok(amy, "OP #c bob", "OK OP #c bob");
    h.take(bob);
    h.ok(bob, "REQUESTS #c", "OK REQUESTS #c 0");
    h.fails(bob, "OP #c bob", "NOT_ALLOWED"); // operators do not make operators
    h.fails(bob, "KICK #c amy", "NOT_ALLOWED"); // nor kick the owner
}

#[test]
fn failures_name_what_they_are_about() {
    let mut h = Harness::new();
    let amy = h.user("amy");
    for (line, fail) in [
        ("JOIN nohash", "FAIL JOIN BAD_CHANNEL"),
        ("MSG #nowhere hi", "FAIL MSG NO_SUCH_CHANNEL #nowhere :"),
        ("PART #nowhere", "FAIL PART NO_SUCH_CHANNEL #nowhere :"),
        ("PRIVMSG nobody hi", "FAIL PRIVMSG NO_SUCH_USER nobody :"),
        ("HISTORY nobody", "FAIL HISTORY NO_SUCH_USER nobody :"),
        ("HISTORY #c x", "FAIL HISTORY BAD_PARAM"),
        ("RENAME 9lives", "FAIL RENAME BAD_NAME"),
        (
            "REGISTER bob password1 password1",
            "FAIL REGISTER ALREADY_LOGGED_IN",
        ),
        ("LOGIN amy password1", "FAIL LOGIN ALREADY_LOGGED_IN"),
        ("FROB", "FAIL FROB UNKNOWN_COMMAND"),
        ("JOIN", "FAIL JOIN NEED_MORE_PARAMS"),
        ("MSG #c \u{202e}evil", "FAIL MSG BAD_TEXT"),
    ] {
        h.line(amy, line);
        let got = h.take(amy);
        assert_eq!(got.len(), 1, "one final reply to {line:?}: {got:?}");
        assert!(got[0].starts_with(fail), "{line:?}: {got:?}");
    }
    h.ok(amy, "JOIN #c", "OK JOIN #c");
    let fresh = h.connect();
    h.take(fresh);
    for (line, code) in [
        ("REGISTER amy password1 password1", "NAME_TAKEN"),
        ("REGISTER ann password1 password2", "PASSWORD_MISMATCH"),
        ("REGISTER ann short short", "WEAK_PASSWORD"),
        ("REGISTER root password1 password1", "NOT_ALLOWED"),
    ] {
        h.fails(fresh, line, code);
    }
}
