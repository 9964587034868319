//! What an importer writes to: the store's writer for this source, plus the
//! time zone for offset-less times and the source's name for messages.

use chrono::NaiveDateTime;
use chrono_tz::Tz;

use super::ImportError;
use crate::model::{ConversationRecord, Locator, MessageRecord, ParticipantRecord, Timestamp};
use crate::store::SourceWriter;

pub struct ImportCtx<'w, 'c> {
    writer: &'w mut SourceWriter<'c>,
    tz: Tz,
    source_name: String,
    cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl<'w, 'c> ImportCtx<'w, 'c> {
    pub fn new(writer: &'w mut SourceWriter<'c>, tz: Tz, source_name: String) -> Self {
        Self { writer, tz, source_name, cancel: None }
    }

    /// A flag that stops the import at the next message (the source is rolled back).
    pub fn set_cancel(&mut self, cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>) {
        self.cancel = cancel;
    }

    /// The time zone assumed for times without an offset.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// The source's path as given, for error messages.
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    pub fn conversation(&mut self, c: &ConversationRecord) -> Result<(), ImportError> {
        self.writer.conversation(c)?;
        Ok(())
    }

    pub fn participant(&mut self, p: &ParticipantRecord) -> Result<(), ImportError> {
        self.writer.participant(p)?;
        Ok(())
    }

    pub fn message(&mut self, m: &MessageRecord) -> Result<i64, ImportError> {
        if self.cancel.as_ref().is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed)) {
            return Err(ImportError::Cancelled);
        }
        Ok(self.writer.message(m)?)
    }

    /// Count and store a record that cannot be imported, with the reason.
    pub fn skip(&mut self, at: &Locator, reason: impl AsRef<str>) -> Result<(), ImportError> {
        self.writer.skip(&at.to_string(), reason.as_ref())?;
        Ok(())
    }

    /// Record a file read inside a folder or archive, with its hash.
    pub fn source_file(&mut self, path: &str, size: u64, sha256: &str) -> Result<(), ImportError> {
        self.writer.source_file(path, size, sha256)?;
        Ok(())
    }

    /// A wall-clock time from the export, read in the source's time zone.
    /// The caller marks the message `offset_assumed`.
    pub fn local_time(&self, naive: NaiveDateTime) -> Option<Timestamp> {
        super::time::local_to_timestamp(&self.tz, naive)
    }

    /// A Unix epoch (seconds) shown in the source's time zone; the instant is
    /// exact, only the displayed offset is assumed.
    pub fn epoch_time(&self, secs: i64, millis: u32) -> Option<Timestamp> {
        super::time::epoch_to_timestamp(&self.tz, secs, millis)
    }

    pub fn message_id_by_external(&self, conversation: &str, external_id: &str) -> Result<Option<i64>, ImportError> {
        Ok(self.writer.message_id_by_external(conversation, external_id)?)
    }
}
