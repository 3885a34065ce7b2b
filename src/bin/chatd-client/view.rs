//! Drawing the model with ratatui: the connect, login and register forms, and the chat screen
//! (conversations with unread counts, messages, members, input line).

use crate::model::{Model, Screen};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthChar;

pub fn draw(f: &mut Frame, m: &Model) {
    match m.screen {
        Screen::Connect => {
            let tls = if m.tls { "on" } else { "off" }.to_owned();
            form(
                f,
                m,
                "Connect to a chatd server",
                &[("Server", &m.server, false), ("TLS", &tls, false)],
                "Enter connect · Ctrl-T TLS on/off · Ctrl-Q quit",
            )
        }
        Screen::Login => {
            let fields = [
                ("Name", &m.fields[0], false),
                ("Password", &m.fields[1], true),
            ];
            form(
                f,
                m,
                "Log in",
                &fields,
                "Enter log in · Tab next field · Ctrl-R register · Esc back · Ctrl-Q quit",
            )
        }
        Screen::Register => {
            let fields = [
                ("Name", &m.fields[0], false),
                ("Password", &m.fields[1], true),
                ("Confirm", &m.fields[2], true),
            ];
            form(
                f,
                m,
                "Create an account",
                &fields,
                "Enter register · Tab next field · Esc back · Ctrl-Q quit",
            )
        }
        Screen::Chat => chat(f, m),
    }
}

fn form(f: &mut Frame, m: &Model, title: &str, fields: &[(&str, &String, bool)], keys: &str) {
    let area = centered(f.area(), 64, fields.len() as u16 * 2 + 6);
    let mut lines = vec![Line::from("")];
    for (i, (label, value, secret)) in fields.iter().enumerate() {
        let shown = if *secret {
            "*".repeat(value.chars().count())
        } else {
            (*value).clone()
        };
        let style = if i == m.focus {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            format!(" {label:>9}: ").into(),
            ratatui::text::Span::styled(format!("{shown} "), style),
        ]));
        lines.push(Line::from(""));
    }
    lines.push(Line::from(format!(
        " {}",
        m.notice.as_deref().unwrap_or("")
    )));
    lines.push(Line::from(format!(" {keys}")));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" chatd · {title} "));
    f.render_widget(Paragraph::new(lines).block(block), area);
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let (w, h) = (w.min(area.width), h.min(area.height));
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn chat(f: &mut Frame, m: &Model) {
    let [top, middle, notice, input] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(f.area());
    let state = if m.connected {
        "connected"
    } else {
        "disconnected"
    };
    let me = m.me.as_deref().unwrap_or("?");
    f.render_widget(
        Paragraph::new(format!(" chatd · {me} @ {} · {state}", m.server)),
        top,
    );
    let [side, msgs, members] = Layout::horizontal([
        Constraint::Length(22),
        Constraint::Min(20),
        Constraint::Length(20),
    ])
    .areas(middle);
    f.render_widget(conversations(m), side);
    messages(f, m, msgs);
    let names: Vec<Line> = m
        .members
        .iter()
        .map(|(n, p)| Line::from(format!("{n} ({p})")))
        .collect();
    f.render_widget(
        Paragraph::new(names).block(Block::default().borders(Borders::ALL).title(" Members ")),
        members,
    );
    f.render_widget(
        Paragraph::new(format!(" {}", m.notice.as_deref().unwrap_or(""))),
        notice,
    );
    f.render_widget(Paragraph::new(format!("> {}", m.input)), input);
    let x = input.x + 2 + m.input.chars().filter_map(|c| c.width()).sum::<usize>() as u16;
    f.set_cursor_position((x.min(input.right().saturating_sub(1)), input.y));
}

fn conversations(m: &Model) -> Paragraph<'static> {
    let lines: Vec<Line> = m
        .convs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let unread = if c.unread > 0 {
                format!(" ({})", c.unread)
            } else {
                String::new()
            };
            let text = format!(
                "{}{}{unread}",
                if i == m.current { "> " } else { "  " },
                c.target
            );
            Line::from(text)
        })
        .collect();
    Paragraph::new(lines).block(
        Block::default()
            .borders(Borders::ALL)
            .title(" Conversations "),
    )
}

fn messages(f: &mut Frame, m: &Model, area: Rect) {
    let Some(c) = m.convs.get(m.current) else {
        let hint =
            Paragraph::new(" /join #lobby to start").block(Block::default().borders(Borders::ALL));
        return f.render_widget(hint, area);
    };
    let width = area.width.saturating_sub(2) as usize;
    let mut rows: Vec<String> = Vec::new();
    for msg in c.msgs.values() {
        rows.extend(wrap(
            &format!("[{}] <{}> {}", msg.time, msg.sender, msg.text),
            width,
        ));
    }
    let height = area.height.saturating_sub(2) as usize;
    let end = rows
        .len()
        .saturating_sub(c.scroll.min(rows.len().saturating_sub(height)));
    let start = end.saturating_sub(height);
    let lines: Vec<Line> = rows[start..end]
        .iter()
        .map(|r| Line::from(r.clone()))
        .collect();
    let title = if c.scroll > 0 {
        format!(" {} (scrolled back) ", c.target)
    } else {
        format!(" {} ", c.target)
    };
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
        area,
    );
}

/// Splits text into rows of at most `width` columns, counting wide characters as two and
/// combining ones as none.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut rows = vec![String::new()];
    let mut used = 0;
    for ch in text.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w > width.max(1) && used > 0 {
            rows.push(String::new());
            used = 0;
        }
        rows.last_mut().expect("one row").push(ch);
        used += w;
    }
    rows
}
