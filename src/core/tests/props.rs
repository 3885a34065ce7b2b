//! Property tests of the core: random command sequences from several clients.

use super::Harness;
use crate::jobs::ConnId;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

fn command() -> impl Strategy<Value = String> {
    let name = prop::sample::select(vec!["amy", "ben", "cat", "AMY", "nobody", "1bad"]);
    let chan = prop::sample::select(vec!["#a", "#b", "#A", "bad", "#c"]);
    let word = "[a-z0-9:]{0,6}";
    prop_oneof![
        (name.clone()).prop_map(|n| format!("REGISTER {n} password1 password1")),
        (name.clone()).prop_map(|n| format!("LOGIN {n} password1")),
        Just("LOGOUT".to_owned()),
        chan.clone().prop_map(|c| format!("JOIN {c}")),
        (chan.clone(), word).prop_map(|(c, w)| format!("PART {c} {w}")),
        (chan.clone(), word).prop_map(|(c, w)| format!("MSG {c} {w}")),
        (name.clone(), word).prop_map(|(n, w)| format!("PRIVMSG {n} {w}")),
        (chan.clone(), 0..20u32).prop_map(|(c, n)| format!("HISTORY {c} {n}")),
        (name.clone()).prop_map(|n| format!("HISTORY {n}")),
        (chan.clone(), name.clone()).prop_map(|(c, n)| format!("KICK {c} {n}")),
        chan.clone().prop_map(|c| format!("NAMES {c}")),
        (chan.clone(), name.clone()).prop_map(|(c, n)| format!("OP {c} {n}")),
        (chan.clone(), name.clone()).prop_map(|(c, n)| format!("ACCEPT {c} {n}")),
        (chan.clone(), name.clone()).prop_map(|(c, n)| format!("REJECT {c} {n}")),
        chan.clone().prop_map(|c| format!("CHANNEL {c} PRIVATE")),
        chan.prop_map(|c| format!("REQUESTS {c}")),
        name.clone().prop_map(|n| format!("KICK {n}")),
        name.prop_map(|n| format!("WHOIS {n}")),
        prop::sample::select(vec![
            "WHO", "LIST", "PING x", "HELP", "BANS", "FROB", "MSG", "WHO x"
        ])
        .prop_map(str::to_owned),
    ]
}

fn is_final(line: &str) -> bool {
    line.starts_with("OK ") || line.starts_with("FAIL ") || line.starts_with("BYE ")
}

proptest! {
    // failing cases are kept beside this file (props.regressions) and replayed first
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    })]

    /// Every command gets exactly one final reply, membership stays consistent, and a QUIT-less
    /// session is never closed.
    #[test]
    fn one_final_reply_per_command(script in prop::collection::vec((0..3usize, command()), 1..40)) {
        let mut h = Harness::new();
        let conns: Vec<ConnId> = (0..3).map(|_| h.connect()).collect();
        for c in &conns {
            h.take(*c);
        }
        for (who, line) in &script {
            let c = conns[*who];
            h.line(c, line);
            let finals = h.take(c).into_iter().filter(|l| is_final(l)).count();
            prop_assert_eq!(finals, 1, "{} got {} final replies", line, finals);
        }
        prop_assert!(h.closed.is_empty());
        for (id, a) in &h.core.world.accounts {
            for ch in &a.channels {
                prop_assert!(h.core.world.channels[ch].members.contains(id));
            }
        }
        for (id, ch) in &h.core.world.channels {
            for m in &ch.members {
                prop_assert!(h.core.world.accounts[m].channels.contains(id));
            }
        }
    }
}
