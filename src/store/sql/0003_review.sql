-- Review: reviewers, cases, annotations, quality assurance, and the audit trail.
-- Owned by the review module (src/review) and the audit module (src/audit).

-- Workspace settings a reviewer can see and change (JSON values).
CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

CREATE TABLE reviewers (
    id          INTEGER PRIMARY KEY,
    login       TEXT NOT NULL UNIQUE,           -- OS user name by default
    name        TEXT NOT NULL,
    initials    TEXT NOT NULL,
    role        TEXT NOT NULL DEFAULT 'reviewer' CHECK (role IN ('reviewer', 'senior', 'admin')),
    created_at  TEXT NOT NULL
);

CREATE TABLE cases (
    id                   INTEGER PRIMARY KEY,
    title                TEXT NOT NULL,
    conversation_id      INTEGER REFERENCES conversations(id),
    sender_id            INTEGER REFERENCES participants(id),
    red_lines            TEXT NOT NULL,          -- JSON array of red-line ids
    group_key            TEXT,                   -- automatic grouping key; NULL for cases made by hand
    window_start_ms      INTEGER,                -- grouping window: first hit time
    severity             TEXT NOT NULL,
    priority             INTEGER NOT NULL,       -- 1 (highest) .. 4
    severity_overridden  INTEGER NOT NULL DEFAULT 0,
    priority_overridden  INTEGER NOT NULL DEFAULT 0,
    status               TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_review', 'escalated', 'closed')),
    disposition          TEXT CHECK (disposition IN ('violation', 'no_violation', 'false_positive', 'insufficient_evidence')),
    misfired_rule        TEXT,                   -- pack/red_line/rule, for false positives
    pending_disposition  TEXT,                   -- four-eyes: proposed closing, awaiting approval
    pending_by           INTEGER REFERENCES reviewers(id),
    pending_reason       TEXT,
    assignee_id          INTEGER REFERENCES reviewers(id),
    due_date             TEXT,
    touched              INTEGER NOT NULL DEFAULT 0, -- a reviewer acted on it: regrouping leaves it alone
    pattern_flag         INTEGER NOT NULL DEFAULT 0, -- sender has cases of the same red line within 30 days
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    closed_at            TEXT,
    closed_by            INTEGER REFERENCES reviewers(id),
    merged_into          INTEGER REFERENCES cases(id)  -- set when merged into another case
);
CREATE INDEX cases_by_group ON cases(group_key);
CREATE INDEX cases_by_status ON cases(status);

CREATE TABLE case_hits (
    case_id  INTEGER NOT NULL REFERENCES cases(id),
    hit_id   INTEGER NOT NULL UNIQUE REFERENCES hits(id),
    PRIMARY KEY (case_id, hit_id)
) WITHOUT ROWID;

-- Messages added to or removed from a case by hand, with the reason.
CREATE TABLE case_messages (
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    message_id  INTEGER NOT NULL REFERENCES messages(id),
    included    INTEGER NOT NULL,                -- 1 added by hand, 0 removed by hand
    reason      TEXT NOT NULL,
    by_id       INTEGER NOT NULL REFERENCES reviewers(id),
    at          TEXT NOT NULL,
    PRIMARY KEY (case_id, message_id)
) WITHOUT ROWID;

CREATE TABLE case_tags (
    case_id  INTEGER NOT NULL REFERENCES cases(id),
    tag      TEXT NOT NULL,
    PRIMARY KEY (case_id, tag)
) WITHOUT ROWID;

CREATE TABLE case_notes (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    author_id   INTEGER NOT NULL REFERENCES reviewers(id),
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- Annotations on a message or a span of its text. Message text never
-- changes, so (message, UTF-16 span) stays anchored across rescans; the
-- quoted text is kept to prove it.
CREATE TABLE annotations (
    id          INTEGER PRIMARY KEY,
    message_id  INTEGER NOT NULL REFERENCES messages(id),
    case_id     INTEGER REFERENCES cases(id),
    span_start  INTEGER,                         -- UTF-16 offsets; NULL for the whole message
    span_end    INTEGER,
    quote       TEXT,
    label       TEXT NOT NULL,
    text        TEXT NOT NULL,
    author_id   INTEGER NOT NULL REFERENCES reviewers(id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX annotations_by_message ON annotations(message_id);

CREATE TABLE annotation_history (
    annotation_id  INTEGER NOT NULL REFERENCES annotations(id),
    version        INTEGER NOT NULL,
    label          TEXT NOT NULL,
    text           TEXT NOT NULL,
    deleted        INTEGER NOT NULL,
    by_id          INTEGER NOT NULL REFERENCES reviewers(id),
    at             TEXT NOT NULL,
    PRIMARY KEY (annotation_id, version)
) WITHOUT ROWID;

CREATE TABLE qa_reviews (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases(id),
    closed_by        INTEGER REFERENCES reviewers(id),
    sampled_at       TEXT NOT NULL,
    qa_reviewer_id   INTEGER REFERENCES reviewers(id),
    verdict          TEXT CHECK (verdict IN ('agree', 'disagree')),
    reason           TEXT,
    decided_at       TEXT
);

-- Who has revealed which pseudonymised participant.
CREATE TABLE reveals (
    reviewer_id     INTEGER NOT NULL REFERENCES reviewers(id),
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    at              TEXT NOT NULL,
    PRIMARY KEY (reviewer_id, participant_id)
) WITHOUT ROWID;

CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    before       TEXT,
    after        TEXT,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_by_object ON audit_log(object_type, object_id);

-- Append-only: the database itself refuses changes to past entries.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- The messages of a case: those of its live hits, plus those added by hand,
-- minus those removed by hand.
CREATE VIEW case_message_ids AS
SELECT ch.case_id AS case_id, h.message_id AS message_id
FROM case_hits ch JOIN hits h ON h.id = ch.hit_id
WHERE h.retracted_scan_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM case_messages x WHERE x.case_id = ch.case_id AND x.message_id = h.message_id AND x.included = 0)
UNION
SELECT case_id, message_id FROM case_messages WHERE included = 1;
