//! chatd-client, the real binary in tmux, against a real server: register, join, chat.

mod common;
use common::*;

#[test]
fn a_person_registers_joins_and_chats_in_the_client() {
    let s = TestServer::start();
    let mut pro = s.user("pro");
    pro.ok("JOIN #tui", "OK JOIN #tui");
    let t = Tmux(format!("chatd-client-test-{}", std::process::id()));
    let cmd = format!("{} --server {}", env!("CARGO_BIN_EXE_chatd-client"), s.addr);
    t.run(&[
        "new-session",
        "-d",
        "-s",
        &t.0,
        "-x",
        "110",
        "-y",
        "30",
        &cmd,
    ]);
    t.shows("Log in");
    t.keys(&["C-r"]);
    t.shows("Create an account");
    t.keys(&["tia", "Tab", "password1", "Tab", "password1", "Enter"]);
    t.shows("logged in as tia");
    pro.expect("ONLINE tia");
    t.keys(&["/join #tui", "Enter"]);
    pro.expect("JOIN #tui tia");
    t.keys(&["hello from the client", "Enter"]);
    assert!(
        pro.expect("MSG #tui tia ")
            .ends_with(":hello from the client")
    );
    pro.send("MSG #tui welcome, tia");
    pro.expect("OK MSG");
    let screen = t.shows("<pro> welcome, tia");
    assert!(
        screen.contains("<tia> hello from the client") && screen.contains("pro (online)"),
        "{screen}"
    );
    t.keys(&["C-q"]);
    assert_eq!(pro.recv(), "OFFLINE tia :connection closed");
}
