//! Failures as values: a command handler returns `Handled`, and a refusal is a `Fail` (its
//! code, the parameter it concerns, and a text for humans). The dispatcher knows the verb and
//! renders `FAIL <VERB> <CODE> [context] :<text>` once (`Core::command`), so handlers and the
//! lookups they share (`channel_id`, `member_channel`, `account_named`, ...) use `?`.

use crate::proto::Code;
use std::borrow::Cow;

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fail {
    pub code: Code,
    /// The parameter the failure is about (a channel, a name), shown after the code.
    pub context: Option<String>,
    pub text: Cow<'static, str>,
}

/// What a command handler returns.
pub type Handled = Result<(), Fail>;

impl Fail {
    /// A failure without a context word.
    pub fn new(code: Code, text: impl Into<Cow<'static, str>>) -> Fail {
        Fail {
            code,
            context: None,
            text: text.into(),
        }
    }

    /// A failure about `context` (a channel or a name).
    pub fn on(code: Code, context: &str, text: impl Into<Cow<'static, str>>) -> Fail {
        Fail {
            code,
            context: Some(context.to_owned()),
            text: text.into(),
        }
    }
}

impl From<(Code, &'static str)> for Fail {
    fn from((code, text): (Code, &'static str)) -> Fail {
        Fail::new(code, text)
    }
}
