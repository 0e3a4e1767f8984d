//! A [`Change`] as one run of `apply.lua`: Redis runs a script atomically, so the version
//! checks and the writes of a change cannot interleave with another replica's, and nothing is
//! half-applied. [`redis::Script`] sends EVALSHA and loads the script on `NOSCRIPT` (a fresh or
//! restarted server), so the script text crosses the network once per server.

use redis::{Script, ScriptInvocation};

use super::codec::{encode_portal, encode_registration, encode_session};
use super::keys::{hex, Keys};
use crate::nopass::state::{LoginSession, PortalRecord};
use crate::nopass::store::{Change, StoreOp};
use crate::Result;

pub(super) fn apply_script() -> Script {
    Script::new(include_str!("apply.lua"))
}

/// What the script answered.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    Applied,
    /// An expectation no longer held; the text says which.
    Conflict(String),
}

impl Outcome {
    pub(super) fn parse(reply: &str) -> Option<Self> {
        match reply {
            "ok" => Some(Outcome::Applied),
            _ => reply.strip_prefix("conflict:").map(|what| Outcome::Conflict(what.to_string())),
        }
    }
}

/// The script's arguments for `change`; `notice` is what to publish once it is applied.
pub(super) fn invocation<'a>(
    script: &'a Script,
    keys: &Keys,
    change: &Change,
    notice: Option<String>,
) -> Result<ScriptInvocation<'a>> {
    let mut invocation = script.prepare_invoke();
    invocation.key(keys.portal()).key(keys.registrations()).key(keys.sessions());
    invocation
        .arg(keys.prefix())
        .arg(keys.channel())
        .arg(notice.unwrap_or_default())
        .arg(change.portal_version.to_string())
        .arg(change.portal_version.saturating_add(1).to_string());
    for op in &change.ops {
        for arg in op_args(op)? {
            invocation.arg(arg);
        }
    }
    Ok(invocation)
}

/// One operation: its name and its arguments, as `apply.lua` reads them (its `ARITY`).
fn op_args(op: &StoreOp) -> Result<Vec<String>> {
    Ok(match op {
        StoreOp::SetPortal(record) => vec!["portal".into(), encode_portal(record)?],
        StoreOp::PutRegistration(r) => {
            vec!["put_reg".into(), hex(&r.digest), encode_registration(r)?, r.expires_at_ms.to_string()]
        }
        StoreOp::TakeRegistration(digest) => vec!["take_reg".into(), hex(digest)],
        StoreOp::InsertSession(s) => {
            let [handle, auth, version, record, updated_at] = session_args(s)?;
            vec!["insert".into(), handle, auth, version, record, updated_at]
        }
        StoreOp::UpdateSession { session, expected_version } => {
            let [handle, auth, version, record, updated_at] = session_args(session)?;
            vec!["update".into(), handle, expected_version.to_string(), auth, version, record, updated_at]
        }
        StoreOp::Purge { registrations_expired_by_ms, sessions_updated_before_ms } => {
            vec!["purge".into(), registrations_expired_by_ms.to_string(), sessions_updated_before_ms.to_string()]
        }
        // What every store reads after a reset: unregistered, nothing else.
        StoreOp::Reset => vec!["reset".into(), encode_portal(&PortalRecord::default())?],
    })
}

fn session_args(s: &LoginSession) -> Result<[String; 5]> {
    Ok([
        s.handle.clone(),
        s.auth_digest.as_ref().map(hex).unwrap_or_default(),
        s.version.to_string(),
        encode_session(s)?,
        s.updated_at_ms.to_string(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_scripts_answers() {
        assert_eq!(Outcome::parse("ok"), Some(Outcome::Applied));
        assert_eq!(
            Outcome::parse("conflict:the session changed"),
            Some(Outcome::Conflict("the session changed".into()))
        );
        assert_eq!(Outcome::parse("what"), None);
    }

    #[test]
    fn every_operation_has_the_arity_the_script_expects() {
        let lua = include_str!("apply.lua");
        let session = LoginSession {
            handle: "h".into(),
            auth_digest: None,
            user_id: "u".into(),
            origin: crate::nopass::state::SessionOrigin::Login,
            state: crate::nopass::state::SessionState::Pending,
            reason: None,
            image: None,
            next_change_ms: None,
            picture_expires_at_ms: None,
            pictures: 0,
            created_at_ms: 0,
            expires_at_ms: 0,
            updated_at_ms: 0,
            version: 1,
        };
        let registration = crate::nopass::state::PendingRegistration {
            digest: [2; 32],
            user_id: None,
            handle: None,
            created_at_ms: 0,
            expires_at_ms: 0,
        };
        let ops = [
            StoreOp::SetPortal(PortalRecord::default()),
            StoreOp::PutRegistration(registration),
            StoreOp::InsertSession(session.clone()),
            StoreOp::UpdateSession { session, expected_version: 1 },
            StoreOp::TakeRegistration([1; 32]),
            StoreOp::Purge { registrations_expired_by_ms: 1, sessions_updated_before_ms: 2 },
            StoreOp::Reset,
        ];
        for op in &ops {
            let args = op_args(op).unwrap_or_default();
            let entry = format!("{} = {}", args[0], args.len());
            assert!(lua.contains(&entry), "apply.lua's ARITY lacks `{entry}`");
        }
    }
}
