//! HELP: the manual from config/help.txt.
//!
//! The file is plain text. Lines before the first `== VERB` heading are the overview that
//! `HELP` shows; each `== VERB` section is what `HELP verb` shows. Lines starting with `#` are
//! comments.

use super::{Core, Fail, Handled};
use crate::jobs::ConnId;
use crate::proto::Code;
use crate::proto::Data;
use crate::proto::Verb;
use std::collections::BTreeMap;

/// The parsed manual.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Help {
    overview: Vec<String>,
    topics: BTreeMap<String, Vec<String>>,
}

impl Help {
    /// Parses the manual's text.
    pub fn parse(text: &str) -> Help {
        let mut help = Help::default();
        let mut current: Option<String> = None;
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            if let Some(verb) = line.strip_prefix("== ") {
                let verb = verb.trim().to_ascii_uppercase();
                help.topics.entry(verb.clone()).or_default();
                current = Some(verb);
                continue;
            }
            let lines = match &current {
                Some(v) => help.topics.get_mut(v).expect("section exists"),
                None => &mut help.overview,
            };
            lines.push(line.to_owned());
        }
        for lines in std::iter::once(&mut help.overview).chain(help.topics.values_mut()) {
            while lines.last().is_some_and(|l| l.trim().is_empty()) {
                lines.pop();
            }
        }
        help
    }

    /// The lines for a topic (`None`: the overview), if there is such a topic.
    pub fn lines(&self, topic: Option<&str>) -> Option<&[String]> {
        match topic {
            None => Some(&self.overview),
            Some(t) => self.topics.get(&t.to_ascii_uppercase()).map(Vec::as_slice),
        }
    }
}

impl Core {
    /// # Format
    /// `HELP [verb]` → `HELP :<line>` lines, then `OK HELP`.
    pub(super) fn help(&mut self, conn: ConnId, topic: Option<String>) -> Handled {
        let Some(lines) = self.settings.help.lines(topic.as_deref()) else {
            let shown = topic.unwrap_or_default().to_ascii_uppercase();
            return Err(Fail::on(
                Code::UnknownCommand,
                &shown,
                "no help on that; HELP lists the commands",
            ));
        };
        let lines = lines
            .iter()
            .filter_map(|line| self.data_line(conn, &Data::Help { line }))
            .collect();
        self.reply(conn, lines, Verb::Help, &[]);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Help;

    #[test]
    fn sections_by_verb() {
        let h = Help::parse("# comment\nintro\n\n== PING\nPING [token]\n\n== join\nJOIN <#c>\n");
        assert_eq!(h.lines(None).unwrap(), ["intro"]);
        assert_eq!(h.lines(Some("ping")).unwrap(), ["PING [token]"]);
        assert_eq!(h.lines(Some("JOIN")).unwrap(), ["JOIN <#c>"]);
        assert!(h.lines(Some("nope")).is_none());
    }
}
