-- story-engine schema: read models of other services' data (from compacted topics), sessions, message trees, turns.

-- Read models: the latest version of each character / world / lorebook / storyline, as its snapshot JSON.
-- Upserts apply only with a higher version; deletes leave a tombstone with the deleted version.
CREATE TABLE read_model (
    kind       TEXT        NOT NULL,
    id         TEXT        NOT NULL,
    version    BIGINT      NOT NULL,
    deleted    BOOLEAN     NOT NULL DEFAULT false,
    owner_id   TEXT,
    visibility TEXT,
    payload    TEXT,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, id)
);

CREATE TABLE play_session (
    id              UUID        PRIMARY KEY,
    owner_id        TEXT        NOT NULL,
    title           TEXT        NOT NULL,
    world_id        TEXT,
    character_ids   TEXT[]      NOT NULL,
    player_name     TEXT        NOT NULL,
    player_persona  TEXT,
    active_leaf_id  UUID,
    speaker_policy  TEXT        NOT NULL DEFAULT 'round_robin',
    auto_continue   INTEGER     NOT NULL DEFAULT 0,
    summary         TEXT,
    summary_through INTEGER     NOT NULL DEFAULT 0,
    storyline_id    TEXT,
    beat_id         TEXT,
    beat_turns      INTEGER     NOT NULL DEFAULT 0,
    storyline_done  BOOLEAN     NOT NULL DEFAULT false,
    forked_from     TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX play_session_owner ON play_session (owner_id, updated_at DESC);

-- Every message is a node of the session's tree; siblings (same parent) are swipes / alternative branches.
CREATE TABLE message (
    id                UUID        PRIMARY KEY,
    session_id        UUID        NOT NULL REFERENCES play_session (id) ON DELETE CASCADE,
    parent_id         UUID        REFERENCES message (id) ON DELETE CASCADE,
    role              TEXT        NOT NULL CHECK (role IN ('user', 'assistant', 'narrator')),
    character_id      TEXT,
    speaker_name      TEXT,
    content           TEXT        NOT NULL,
    turn_id           UUID        UNIQUE,
    client_message_id TEXT,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    edited_at         TIMESTAMPTZ,
    UNIQUE (session_id, client_message_id)
);
CREATE INDEX message_parent ON message (session_id, parent_id, created_at);

-- A turn asks the runtime for one generation. At most one chat turn runs per session (partial unique index).
CREATE TABLE turn (
    id                UUID        PRIMARY KEY,
    session_id        UUID        NOT NULL REFERENCES play_session (id) ON DELETE CASCADE,
    user_id           TEXT        NOT NULL,
    kind              TEXT        NOT NULL CHECK (kind IN ('reply', 'regenerate', 'continue', 'impersonate', 'summary')),
    status            TEXT        NOT NULL CHECK (status IN ('running', 'completed', 'cancelled', 'failed', 'timeout')),
    parent_message_id UUID,
    base_message_id   UUID,
    reply_message_id  UUID        NOT NULL,
    character_id      TEXT,
    speaker_name      TEXT,
    prompt            TEXT        NOT NULL,
    continuation      TEXT,
    deadline          TIMESTAMPTZ NOT NULL,
    attempt_id        TEXT,
    superseded        TEXT[]      NOT NULL DEFAULT '{}',
    finish_reason     TEXT,
    reply_text        TEXT,
    error             TEXT,
    auto_remaining    INTEGER     NOT NULL DEFAULT 0,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    completed_at      TIMESTAMPTZ
);
CREATE UNIQUE INDEX turn_one_running_per_session ON turn (session_id) WHERE status = 'running' AND kind <> 'summary';
CREATE INDEX turn_session ON turn (session_id, created_at DESC);

-- Shared transcripts (the branch snapshot also went out as TranscriptShared); "play from here" forks from them.
CREATE TABLE shared_transcript (
    id         UUID        PRIMARY KEY,
    session_id UUID        NOT NULL,
    owner_id   TEXT        NOT NULL,
    payload    TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
