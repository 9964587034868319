-- Scanning: rule packs as used, scans, and the hits they produced.
-- Owned by the scan module (src/scan).

-- Every pack version a scan used, with its text, so a hit can always be
-- traced to the exact rule that produced it.
CREATE TABLE rule_packs (
    id          INTEGER PRIMARY KEY,
    pack_id     TEXT NOT NULL,
    version     TEXT NOT NULL,
    name        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    path        TEXT NOT NULL,
    source      TEXT NOT NULL,
    first_used  TEXT NOT NULL,
    UNIQUE (pack_id, sha256)
);

CREATE TABLE scans (
    id                INTEGER PRIMARY KEY,
    started_at        TEXT NOT NULL,
    finished_at       TEXT,
    packs             TEXT NOT NULL,      -- JSON [{pack_id, version, sha256, mode: "incremental"|"full"}]
    messages_scanned  INTEGER NOT NULL DEFAULT 0,
    hits_new          INTEGER NOT NULL DEFAULT 0,
    hits_kept         INTEGER NOT NULL DEFAULT 0,
    hits_retracted    INTEGER NOT NULL DEFAULT 0
);

-- How far each pack (at a given content hash) has scanned.
CREATE TABLE pack_progress (
    pack_id       TEXT PRIMARY KEY,
    sha256        TEXT NOT NULL,
    scanned_upto  INTEGER NOT NULL        -- highest message id scanned with this pack content
);

CREATE TABLE hits (
    id                 INTEGER PRIMARY KEY,
    message_id         INTEGER NOT NULL REFERENCES messages(id),
    pack_id            TEXT NOT NULL,
    pack_version       TEXT NOT NULL,
    red_line           TEXT NOT NULL,
    rule_id            TEXT NOT NULL,
    severity           TEXT NOT NULL,
    terms              TEXT NOT NULL,     -- JSON: the terms (or regex:…) that fired
    normalizations     TEXT NOT NULL,     -- JSON: steps needed to match (e.g. ["separators","invisible"])
    spans              TEXT NOT NULL,     -- JSON [{start,end,term,steps}], byte offsets into messages.text
    spans_utf16        TEXT NOT NULL,     -- JSON [{start,end}], UTF-16 offsets for the UI
    matched            TEXT NOT NULL,     -- JSON: the original substrings
    conditions         TEXT NOT NULL,     -- JSON: metadata conditions that held
    fingerprint        TEXT NOT NULL UNIQUE, -- identity across rescans: message, pack, red line, rule, spans
    first_scan_id      INTEGER NOT NULL REFERENCES scans(id),
    last_scan_id       INTEGER NOT NULL REFERENCES scans(id),
    retracted_scan_id  INTEGER REFERENCES scans(id) -- a later scan no longer produced it
);
CREATE INDEX hits_by_message ON hits(message_id);
CREATE INDEX hits_by_rule ON hits(red_line, rule_id);
