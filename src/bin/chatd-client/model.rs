//! The client's pure model: key presses and server lines in, commands out, view state kept.
//!
//! No terminal and no socket here: `main` feeds `key`, `line`, `connected` and `disconnected`,
//! and carries out the `Effect`s; `view` draws the state. Replies are matched to commands by
//! order (the protocol answers every command once, in order), through the `expect` queue.

use crate::conv::{Conv, Expect};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::VecDeque;

/// What the client asks `main` to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Connect(String),
    Send(String),
    Quit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Connect,
    Login,
    Register,
    Chat,
}

/// The whole client state.
#[derive(Debug)]
pub struct Model {
    pub screen: Screen,
    pub server: String,
    /// Connect over TLS (the connect screen's switch, or `--tls`).
    pub tls: bool,
    /// Form fields: name, password, confirm.
    pub fields: [String; 3],
    pub focus: usize,
    /// An error or notice shown on the current screen.
    pub notice: Option<String>,
    pub connected: bool,
    pub me: Option<String>,
    pub convs: Vec<Conv>,
    pub current: usize,
    /// Members of the current channel and their presence.
    pub members: Vec<(String, String)>,
    pub input: String,
    /// Failed reconnects in a row (for the back-off), while logged-in state waits.
    pub retries: u32,
    pub(crate) expect: VecDeque<Expect>,
    pub(crate) out: Vec<Effect>,
}

impl Model {
    pub fn new(server: &str, connect_now: bool) -> Model {
        let mut m = Model {
            screen: Screen::Connect,
            server: server.to_owned(),
            tls: false,
            fields: Default::default(),
            focus: 0,
            notice: None,
            connected: false,
            me: None,
            convs: Vec::new(),
            current: 0,
            members: Vec::new(),
            input: String::new(),
            retries: 0,
            expect: VecDeque::new(),
            out: Vec::new(),
        };
        if connect_now {
            m.out.push(Effect::Connect(m.server.clone()));
        }
        m
    }

    /// Takes the effects produced so far.
    pub fn effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.out)
    }

    pub(crate) fn send(&mut self, line: String, expect: Expect) {
        self.expect.push_back(expect);
        self.out.push(Effect::Send(line));
    }

    /// The connection is up (HELLO is read by `line`). Logs in again after a reconnect.
    pub fn connected(&mut self) {
        self.connected = true;
        self.retries = 0;
        self.expect.clear();
        match (&self.me, self.screen) {
            (Some(_), Screen::Chat) => {
                let (name, pw) = (self.fields[0].clone(), self.fields[1].clone());
                self.notice = Some("reconnected; logging in again".into());
                self.send(format!("LOGIN {name} {pw}"), Expect::Login);
            }
            (_, Screen::Connect) => {
                self.screen = Screen::Login;
                self.notice = None;
            }
            _ => {}
        }
    }

    /// The connection failed or dropped. In the chat, `main` retries with back-off.
    pub fn disconnected(&mut self, why: &str) {
        self.connected = false;
        self.expect.clear();
        if self.screen == Screen::Chat {
            self.retries += 1;
            self.notice = Some(format!(
                "disconnected ({why}); reconnecting in {} s",
                self.backoff_secs()
            ));
        } else {
            self.screen = Screen::Connect;
            self.notice = Some(format!(
                "cannot connect to {}: {why}. Enter to retry",
                self.server
            ));
        }
    }

    /// Seconds before the next reconnect: 1, 2, 4 ... 30.
    pub fn backoff_secs(&self) -> u64 {
        (1u64 << self.retries.saturating_sub(1).min(5)).min(30)
    }

    /// A key press.
    pub fn key(&mut self, k: KeyEvent) {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && k.code == KeyCode::Char('q') {
            return self.out.push(Effect::Quit);
        }
        match self.screen {
            Screen::Connect => self.connect_key(k),
            Screen::Login | Screen::Register => self.form_key(k, ctrl),
            Screen::Chat => self.chat_key(k, ctrl),
        }
    }

    fn connect_key(&mut self, k: KeyEvent) {
        if k.code == KeyCode::Char('t') && k.modifiers.contains(KeyModifiers::CONTROL) {
            self.tls = !self.tls;
            return;
        }
        match k.code {
            KeyCode::Enter => {
                self.notice = Some(format!("connecting to {} ...", self.server));
                self.out.push(Effect::Connect(self.server.clone()));
            }
            KeyCode::Esc => self.out.push(Effect::Quit),
            _ => edit(&mut self.server, k),
        }
    }

    fn form_key(&mut self, k: KeyEvent, ctrl: bool) {
        let count = if self.screen == Screen::Login { 2 } else { 3 };
        match k.code {
            KeyCode::Char('r') if ctrl && self.screen == Screen::Login => self.go(Screen::Register),
            KeyCode::Esc if self.screen == Screen::Register => self.go(Screen::Login),
            KeyCode::Esc => self.go(Screen::Connect),
            KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1) % count,
            KeyCode::BackTab | KeyCode::Up => self.focus = (self.focus + count - 1) % count,
            KeyCode::Enter => self.submit(),
            _ => edit(&mut self.fields[self.focus], k),
        }
    }

    fn go(&mut self, screen: Screen) {
        self.screen = screen;
        self.focus = 0;
        self.notice = None;
    }

    fn submit(&mut self) {
        let [name, pw, confirm] = self.fields.clone();
        if name.is_empty() || pw.is_empty() {
            self.notice = Some("type a name and a password".into());
        } else if self.screen == Screen::Register && pw != confirm {
            self.notice = Some("the passwords differ".into());
        } else if self.screen == Screen::Register {
            self.send(format!("REGISTER {name} {pw} {confirm}"), Expect::Login);
        } else {
            self.send(format!("LOGIN {name} {pw}"), Expect::Login);
        }
    }

    fn chat_key(&mut self, k: KeyEvent, ctrl: bool) {
        match k.code {
            KeyCode::Char('n') if ctrl => self.switch(1),
            KeyCode::Char('p') if ctrl => self.switch(self.convs.len().saturating_sub(1)),
            KeyCode::PageUp => self.scroll_up(10),
            KeyCode::PageDown => self.scroll_down(10),
            KeyCode::Enter => {
                let line = std::mem::take(&mut self.input);
                self.submit_line(&line);
            }
            KeyCode::Esc => self.input.clear(),
            _ => edit(&mut self.input, k),
        }
    }
}

/// Applies an editing key to a text field.
fn edit(field: &mut String, k: KeyEvent) {
    match k.code {
        KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => field.push(c),
        KeyCode::Backspace => {
            field.pop();
        }
        _ => {}
    }
}
