//! The client without a terminal: the model fed keys and server lines, and the screens drawn
//! on ratatui's TestBackend.

use crate::model::{Effect, Model, Screen};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn key(m: &mut Model, code: KeyCode) {
    m.key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn ctrl(m: &mut Model, c: char) {
    m.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

fn typed(m: &mut Model, text: &str) {
    for c in text.chars() {
        key(m, KeyCode::Char(c));
    }
}

fn sent(m: &mut Model) -> Vec<String> {
    m.effects()
        .into_iter()
        .filter_map(|e| {
            if let Effect::Send(l) = e {
                Some(l)
            } else {
                None
            }
        })
        .collect()
}

fn screen(m: &Model) -> String {
    let mut t = Terminal::new(TestBackend::new(100, 24)).unwrap();
    t.draw(|f| crate::view::draw(f, m)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_owned())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A model logged in as amy, with the login's follow-up commands answered.
fn logged_in() -> Model {
    let mut m = Model::new("127.0.0.1:6667", true);
    assert_eq!(m.effects(), [Effect::Connect("127.0.0.1:6667".into())]);
    m.connected();
    typed(&mut m, "amy");
    key(&mut m, KeyCode::Tab);
    typed(&mut m, "secret-pw");
    key(&mut m, KeyCode::Enter);
    assert_eq!(sent(&mut m), ["LOGIN amy secret-pw"]);
    m.line("OK LOGIN amy");
    assert_eq!(sent(&mut m), ["LIST"]);
    m.line("CHANNEL #lobby 2");
    m.line("OK LIST 1");
    assert_eq!(sent(&mut m), ["NAMES #lobby"]);
    m.line("NAME #lobby amy online");
    m.line("NAME #lobby bob away");
    m.line("OK NAMES #lobby 2");
    assert_eq!(sent(&mut m), ["HISTORY #lobby 50"]);
    m.line("HIST MSG #lobby bob 7 2026-11-22T02:13:37.123Z :hello amy");
    m.line("OK HISTORY #lobby 1");
    m
}

#[test]
fn login_then_back_in_my_channels_with_their_history() {
    let m = logged_in();
    assert_eq!(m.screen, Screen::Chat);
    assert_eq!(m.convs[0].target, "#lobby");
    let s = screen(&m);
    assert!(s.contains("[02:13] <bob> hello amy"), "{s}");
    assert!(s.contains("#lobby"));
}

#[test]
fn register_checks_the_confirmation_before_sending() {
    let mut m = Model::new("x:1", false);
    m.connected();
    ctrl(&mut m, 'r');
    assert_eq!(m.screen, Screen::Register);
    typed(&mut m, "amy");
    key(&mut m, KeyCode::Tab);
    typed(&mut m, "one-password");
    key(&mut m, KeyCode::Tab);
    typed(&mut m, "another-one");
    key(&mut m, KeyCode::Enter);
    assert!(sent(&mut m).is_empty());
    assert!(screen(&m).contains("the passwords differ"));
    assert!(!screen(&m).contains("one-password"), "passwords are masked");
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.screen, Screen::Login);
}

#[test]
fn server_errors_show_on_the_form() {
    let mut m = Model::new("x:1", false);
    m.connected();
    typed(&mut m, "amy");
    key(&mut m, KeyCode::Tab);
    typed(&mut m, "wrong");
    key(&mut m, KeyCode::Enter);
    m.line("FAIL LOGIN BAD_CREDENTIALS :wrong name or password");
    assert_eq!(m.screen, Screen::Login);
    assert!(screen(&m).contains("wrong name or password"));
}

#[test]
fn messages_unread_counts_and_switching() {
    let mut m = logged_in();
    m.line("PRIVMSG bob amy 9 2026-11-22T02:14:00.000Z :psst");
    assert_eq!(m.convs[1].target, "bob");
    assert_eq!(m.convs[1].unread, 1);
    assert!(screen(&m).contains("bob (1)"));
    assert_eq!(sent(&mut m), ["HISTORY bob 50"]);
    m.line("HIST PRIVMSG bob amy 9 2026-11-22T02:14:00.000Z :psst");
    m.line("OK HISTORY bob 1");
    assert_eq!(m.convs[1].msgs.len(), 1, "no duplicate of the live message");
    ctrl(&mut m, 'n');
    assert_eq!(m.current, 1);
    assert_eq!(m.convs[1].unread, 0);
    typed(&mut m, "hi bob");
    key(&mut m, KeyCode::Enter);
    assert_eq!(sent(&mut m), ["PRIVMSG bob :hi bob"]);
    m.line("OK PRIVMSG bob 10 2026-11-22T02:15:00.000Z");
    assert!(screen(&m).contains("[02:15] <amy> hi bob"));
    typed(&mut m, "/shrug ok");
    key(&mut m, KeyCode::Enter);
    assert_eq!(sent(&mut m), Vec::<String>::new(), "a face needs a channel");
    ctrl(&mut m, 'p');
    typed(&mut m, "/shrug ok");
    key(&mut m, KeyCode::Enter);
    assert_eq!(
        sent(&mut m),
        ["NAMES #lobby", "MSG #lobby :ok ¯\\_(ツ)_/¯"],
        "switching back refreshes the members"
    );
}

#[test]
fn scrolling_back_fetches_older_pages_without_duplicates() {
    let mut m = logged_in();
    m.convs[0].complete = false;
    key(&mut m, KeyCode::PageUp);
    assert_eq!(sent(&mut m), ["HISTORY #lobby 50 7"]);
    m.line("HIST MSG #lobby bob 5 2026-11-22T02:10:00.000Z :older");
    m.line("HIST MSG #lobby bob 7 2026-11-22T02:13:37.123Z :hello amy");
    m.line("OK HISTORY #lobby 2");
    assert_eq!(m.convs[0].msgs.len(), 2);
    assert!(m.convs[0].complete, "a short page is the beginning");
    key(&mut m, KeyCode::PageUp);
    assert!(sent(&mut m).is_empty());
}

#[test]
fn long_and_wide_text_wraps() {
    assert_eq!(crate::view::wrap("abcdef", 4), ["abcd", "ef"]);
    assert_eq!(crate::view::wrap("日本語", 4), ["日本", "語"]);
    assert_eq!(
        crate::view::wrap("e\u{301}e\u{301}", 1),
        ["e\u{301}", "e\u{301}"]
    );
}

#[test]
fn losing_the_server_reconnects_and_logs_in_again() {
    let mut m = logged_in();
    m.disconnected("reset");
    assert!(screen(&m).contains("reconnecting in 1 s"));
    m.disconnected("refused");
    assert_eq!(m.backoff_secs(), 2);
    m.connected();
    assert_eq!(sent(&mut m), ["LOGIN amy secret-pw"]);
    assert_eq!(m.screen, Screen::Chat);
}

#[test]
fn join_requests_are_shown_to_the_owner() {
    let mut m = logged_in();
    m.line("REQUEST #lobby carol");
    assert!(screen(&m).contains("carol asks to join #lobby: /accept #lobby carol"));
}

#[test]
fn logout_goes_back_to_the_login_screen() {
    let mut m = logged_in();
    typed(&mut m, "/logout");
    key(&mut m, KeyCode::Enter);
    assert_eq!(sent(&mut m), ["LOGOUT"]);
    assert_eq!(m.screen, Screen::Login);
    assert!(m.convs.is_empty() && m.me.is_none());
    assert!(screen(&m).contains("Log in"));
}

#[test]
fn ctrl_t_on_the_connect_screen_switches_tls() {
    let mut m = Model::new("chat.example.org:6697", false);
    assert!(!m.tls);
    assert!(screen(&m).contains("TLS: off"));
    ctrl(&mut m, 't');
    assert!(m.tls);
    assert!(screen(&m).contains("TLS: on"));
    assert_eq!(m.server, "chat.example.org:6697", "Ctrl-T is not typed");
    key(&mut m, KeyCode::Enter);
    assert_eq!(
        m.effects(),
        [Effect::Connect("chat.example.org:6697".into())]
    );
    ctrl(&mut m, 't');
    assert!(!m.tls);
}
