//! chatd-client, the real binary in tmux, against a real server: register, join, chat.

mod common;
use common::*;
use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux(String);

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(args)
            .output()
            .expect("tmux (Debian package tmux; .ci/run installs it)");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.0];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Polls the screen until it shows `text`; fails after the read timeout.
    fn shows(&self, text: &str) -> String {
        let deadline = Instant::now() + READ_TIMEOUT;
        loop {
            let screen = self.run(&["capture-pane", "-p", "-t", &self.0]);
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "the screen never showed {text:?}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50)); // polling a screen
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .output();
    }
}

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
