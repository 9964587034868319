-- Redline evidence store, schema version 1.
-- Times are UTC milliseconds since the epoch plus the original UTC offset in
-- minutes, so the wall-clock time the sender saw can always be rebuilt.

CREATE TABLE schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TEXT NOT NULL
);

-- Key/value settings of the workspace (e.g. how far the full-text index has got).
CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- One imported export: a file, a folder (Slack) or an archive.
CREATE TABLE sources (
    id                 INTEGER PRIMARY KEY,
    path               TEXT NOT NULL,      -- absolute path as imported
    format             TEXT NOT NULL,      -- detected or forced format id
    size_bytes         INTEGER NOT NULL,
    sha256             TEXT NOT NULL UNIQUE, -- of the file; of the sorted file list with hashes for a folder
    importer_version   TEXT NOT NULL,
    imported_at        TEXT NOT NULL,      -- RFC 3339, UTC
    time_zone          TEXT NOT NULL,      -- zone used for times the export gives without an offset
    conversations      INTEGER NOT NULL DEFAULT 0,
    participants       INTEGER NOT NULL DEFAULT 0,
    messages           INTEGER NOT NULL DEFAULT 0,
    attachments        INTEGER NOT NULL DEFAULT 0,
    skipped            INTEGER NOT NULL DEFAULT 0
);

-- The files read inside a folder or archive source, with their own hashes.
CREATE TABLE source_files (
    source_id   INTEGER NOT NULL REFERENCES sources(id),
    path        TEXT NOT NULL,
    size_bytes  INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    PRIMARY KEY (source_id, path)
) WITHOUT ROWID;

-- Records an importer could not read: never dropped silently.
CREATE TABLE skipped_records (
    id         INTEGER PRIMARY KEY,
    source_id  INTEGER NOT NULL REFERENCES sources(id),
    locator    TEXT NOT NULL,
    reason     TEXT NOT NULL
);

CREATE TABLE conversations (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES sources(id),
    platform     TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    title        TEXT,
    kind         TEXT NOT NULL CHECK (kind IN ('direct', 'group', 'channel', 'unknown')),
    UNIQUE (source_id, external_id)
);

-- People are per platform: the same Slack user id in two exports is one participant.
CREATE TABLE participants (
    id            INTEGER PRIMARY KEY,
    platform      TEXT NOT NULL,
    external_id   TEXT NOT NULL,
    display_name  TEXT,                   -- the first name seen; all names are in participant_names
    handle        TEXT,
    phone         TEXT,
    email         TEXT,
    is_self       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (platform, external_id)
);

CREATE TABLE participant_names (
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    name            TEXT NOT NULL,
    PRIMARY KEY (participant_id, name)
) WITHOUT ROWID;

CREATE TABLE messages (
    id               INTEGER PRIMARY KEY,
    source_id        INTEGER NOT NULL REFERENCES sources(id),
    conversation_id  INTEGER NOT NULL REFERENCES conversations(id),
    sender_id        INTEGER REFERENCES participants(id),
    sender_name      TEXT,                 -- name shown on this message, if the export shows one
    external_id      TEXT,                 -- the message's id in the export
    ts_utc_ms        INTEGER,              -- NULL when the export gives no time
    ts_offset_min    INTEGER,              -- UTC offset of the original wall-clock time
    ts_offset_assumed INTEGER NOT NULL DEFAULT 0, -- 1 when the offset came from --tz, not the export
    kind             TEXT NOT NULL,
    text             TEXT NOT NULL DEFAULT '',
    reply_to         TEXT,                 -- external id of the quoted / replied-to message
    forwarded_from   TEXT,
    edited           INTEGER NOT NULL DEFAULT 0,
    deleted          INTEGER NOT NULL DEFAULT 0,
    amount           TEXT,                 -- decimal text, never a float
    currency         TEXT,
    payment_status   TEXT,
    payment_memo     TEXT,
    transfer_id      TEXT,
    locator          TEXT NOT NULL,        -- file:line, file#/json/pointer, file@record
    extra            TEXT                  -- JSON: format-specific details
);
CREATE INDEX messages_by_conversation ON messages(conversation_id, ts_utc_ms);
CREATE INDEX messages_by_sender ON messages(sender_id);

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    message_id   INTEGER NOT NULL REFERENCES messages(id),
    file_name    TEXT NOT NULL,
    mime         TEXT,
    size_bytes   INTEGER,
    sha256       TEXT,                     -- present when the file was in the export
    export_path  TEXT
);
CREATE INDEX attachments_by_message ON attachments(message_id);

-- Full-text index over messages.text. Contentless: the text lives once, in
-- messages; the index holds tokens produced in Rust (store::fts_tokens), where
-- runs of CJK characters become overlapping bigrams so that one- and
-- two-character Chinese queries are answered from the index. Filled in bulk
-- after import; meta 'fts_indexed_upto' is the highest message id indexed.
CREATE VIRTUAL TABLE message_fts USING fts5(
    body,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1'
);
