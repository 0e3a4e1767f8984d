//! One callback at a time per subject (a login's `authId`, a registration's `otp`, the
//! portal itself, a user): two concurrent copies of one callback must not both reach the
//! host's hook. The second waits, then re-reads the state the first changed and is refused
//! without asking the hook again; for decisions that leave no state behind (UpdateUser,
//! DeleteUser, AddUsers) the copy is refused at once.
//!
//! This holds within one process; across processes sharing a store, the store's version
//! checks still let only one change commit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::OwnedMutexGuard;

use super::digest::digest;

/// What a callback acts on: a kind and the digest of its identifying value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Subject {
    kind: &'static str,
    key: [u8; 32],
}

impl Subject {
    pub(crate) fn new(kind: &'static str, value: &str) -> Self {
        Self { kind, key: digest(value) }
    }

    pub(crate) fn of_digest(kind: &'static str, key: [u8; 32]) -> Self {
        Self { kind, key }
    }
}

type Slot = Arc<tokio::sync::Mutex<()>>;

/// The subjects being handled now, each with its lock; an entry lives only while someone
/// holds or waits for it.
#[derive(Debug, Default)]
pub(crate) struct Subjects {
    slots: Mutex<HashMap<Subject, Slot>>,
}

/// Holds a subject until dropped.
pub(crate) struct SubjectGuard<'a> {
    subjects: &'a Subjects,
    subject: Subject,
    guard: Option<OwnedMutexGuard<()>>,
}

impl Subjects {
    fn slot(&self, subject: &Subject) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots.entry(subject.clone()).or_default().clone()
    }

    /// Waits until no one else handles `subject`.
    pub(crate) async fn lock(&self, subject: Subject) -> SubjectGuard<'_> {
        let guard = self.slot(&subject).lock_owned().await;
        SubjectGuard { subjects: self, subject, guard: Some(guard) }
    }

    /// Takes `subject` if no one else handles it now.
    pub(crate) fn try_lock(&self, subject: Subject) -> Option<SubjectGuard<'_>> {
        // `try_lock_owned` consumes this clone of the slot, also when it fails.
        match self.slot(&subject).try_lock_owned() {
            Ok(guard) => Some(SubjectGuard { subjects: self, subject, guard: Some(guard) }),
            Err(_) => {
                self.release(&subject);
                None
            }
        }
    }

    /// Forgets the subject's slot when no one holds or waits for it (waiters clone the slot
    /// under the same lock, so the count cannot rise behind this check).
    fn release(&self, subject: &Subject) {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if slots.get(subject).is_some_and(|slot| Arc::strong_count(slot) == 1) {
            slots.remove(subject);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

impl Drop for SubjectGuard<'_> {
    fn drop(&mut self) {
        drop(self.guard.take());
        self.subjects.release(&self.subject);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn one_holder_per_subject_and_no_leftovers() {
        let subjects = Subjects::default();
        let a = Subject::new("login", "a");
        let held = subjects.lock(a.clone()).await;
        assert!(subjects.try_lock(a.clone()).is_none(), "a second holder got the subject");
        assert!(subjects.try_lock(Subject::new("login", "b")).is_some(), "another subject is free");
        assert!(subjects.try_lock(Subject::new("registration", "a")).is_some(), "kinds are apart");
        drop(held);
        assert!(subjects.try_lock(a).is_some());
        assert_eq!(subjects.len(), 0, "released subjects are forgotten");
    }

    #[tokio::test]
    async fn a_waiter_gets_the_subject_after_the_holder() {
        let subjects = Arc::new(Subjects::default());
        let held = subjects.lock(Subject::new("login", "a")).await;
        let waiter = {
            let subjects = subjects.clone();
            tokio::spawn(async move {
                let _guard = subjects.lock(Subject::new("login", "a")).await;
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert!(!waiter.is_finished(), "the waiter ran while the subject was held");
        drop(held);
        waiter.await.unwrap();
        assert_eq!(subjects.len(), 0);
    }
}
