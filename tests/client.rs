//! chatd-client, the real binary in tmux, against a real server: register, join, chat.

mod common;
use common::*;

#[test]
fn a_person_registers_joins_and_chats_in_the_client() {
    if !Tmux::available("a_person_registers_joins_and_chats_in_the_client") {
        return;
    }
    let s = TestServer::start();
    let mut pro = s.user("pro");
    pro.ok("JOIN #tui", "OK JOIN #tui");
    let cmd = format!("{} --server {}", env!("CARGO_BIN_EXE_chatd-client"), s.addr);
    let t = Tmux::start("chatd-client-test", &cmd, 110, 30);
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

#[test]
fn the_client_survives_the_server_going_away_and_a_resize() {
    if !Tmux::available("the_client_survives_the_server_going_away_and_a_resize") {
        return;
    }
    let dir = TempDir::new();
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = free.local_addr().unwrap();
    drop(free);
    let mut config = test_config(&dir.0);
    config.server.listen = addr.to_string();
    // the servers get throwaway folders to remove; the database lives in `dir`, kept by the test
    let server = TestServer::start_in(TempDir(dir.0.join("first")), config.clone());
    let cmd = format!("{} --server {addr}", env!("CARGO_BIN_EXE_chatd-client"));
    let t = Tmux::start("chatd-client-reconnect", &cmd, 110, 30);
    t.shows("Log in");
    t.keys(&["C-r"]);
    t.shows("Create an account");
    t.keys(&["rae", "Tab", "password1", "Tab", "password1", "Enter"]);
    t.shows("logged in as rae");
    t.keys(&["/join #back", "Enter"]);
    t.shows("> #back");
    drop(server); // a clean stop: BYE, then the socket closes
    t.shows("reconnecting in");
    let _server = TestServer::start_in(TempDir(dir.0.join("second")), config);
    t.shows("reconnected; logging in again");
    t.run(&["resize-window", "-t", &t.0, "-x", "80", "-y", "20"]);
    let screen = t.shows("#back");
    assert!(
        screen.contains("connected") && screen.lines().all(|l| l.chars().count() <= 80),
        "{screen}"
    );
}

#[test]
fn the_client_connects_over_tls_with_a_ca_file() {
    if !Tmux::available("the_client_connects_over_tls_with_a_ca_file") {
        return;
    }
    let ca = common::tls::TestCa::new();
    let (s, _) = common::tls::tls_server(&ca);
    let ca_file = s.dir.0.join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    let mut root = s.admin();
    let cmd = format!(
        "CHATD_SERVER={} {} --ca {}",
        s.tls_addr(),
        env!("CARGO_BIN_EXE_chatd-client"),
        ca_file.display()
    );
    let t = Tmux::start("chatd-client-tls", &cmd, 110, 30);
    t.shows("TLS: on");
    t.keys(&["Enter"]);
    t.shows("Log in");
    t.keys(&["C-r"]);
    t.keys(&["tls", "Tab", "password1", "Tab", "password1", "Enter"]);
    t.shows("logged in as tls");
    root.expect("ONLINE tls");
    let whois = root.cmd("WHOIS tls");
    assert_eq!(whois[0].split(' ').nth(6), Some("tls"), "{whois:?}");
    t.keys(&["C-q"]);
    assert_eq!(root.recv(), "OFFLINE tls :connection closed");
}
