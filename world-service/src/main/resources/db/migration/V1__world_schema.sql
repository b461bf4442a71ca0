-- world-service schema: worlds, lorebooks, storylines, the social feed and moderation.
-- Structured parts that are always read and written whole (locations, cast, scenes, entries, chapters, messages) are
-- JSON documents in text columns; what is filtered or joined on has its own columns and tables.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE world (
    id              UUID PRIMARY KEY,
    version         BIGINT      NOT NULL,
    owner_id        TEXT        NOT NULL,
    owner_name      TEXT        NOT NULL,
    title           TEXT        NOT NULL,
    setting         TEXT        NOT NULL DEFAULT '',
    rules           TEXT        NOT NULL DEFAULT '',
    tone            TEXT        NOT NULL DEFAULT '',
    content_rating  TEXT        NOT NULL,
    visibility      TEXT        NOT NULL,
    hidden          BOOLEAN     NOT NULL DEFAULT false,
    cover_image_url TEXT,
    locations       TEXT        NOT NULL DEFAULT '[]',
    cast_ids        TEXT        NOT NULL DEFAULT '[]',
    opening_scenes  TEXT        NOT NULL DEFAULT '[]',
    tags            TEXT        NOT NULL DEFAULT '[]',
    search_text     TEXT        NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX world_owner ON world (owner_id);
CREATE INDEX world_public_newest ON world (created_at DESC) WHERE visibility = 'public' AND NOT hidden;
CREATE INDEX world_search_trgm ON world USING gin (search_text gin_trgm_ops);
CREATE INDEX world_tags ON world USING gin ((tags::jsonb) jsonb_path_ops);

CREATE TABLE lorebook (
    id                 UUID PRIMARY KEY,
    version            BIGINT      NOT NULL,
    owner_id           TEXT        NOT NULL,
    name               TEXT        NOT NULL,
    description        TEXT        NOT NULL DEFAULT '',
    scan_depth         INTEGER,
    token_budget       INTEGER,
    recursive_scanning BOOLEAN     NOT NULL DEFAULT false,
    entries            TEXT        NOT NULL DEFAULT '[]',
    entry_count        INTEGER     NOT NULL DEFAULT 0,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX lorebook_owner ON lorebook (owner_id);

CREATE TABLE lorebook_world (
    lorebook_id UUID NOT NULL REFERENCES lorebook (id) ON DELETE CASCADE,
    world_id    UUID NOT NULL REFERENCES world (id) ON DELETE CASCADE,
    PRIMARY KEY (lorebook_id, world_id)
);
CREATE INDEX lorebook_world_world ON lorebook_world (world_id);

CREATE TABLE lorebook_character (
    lorebook_id  UUID NOT NULL REFERENCES lorebook (id) ON DELETE CASCADE,
    character_id TEXT NOT NULL,
    PRIMARY KEY (lorebook_id, character_id)
);
CREATE INDEX lorebook_character_character ON lorebook_character (character_id);

CREATE TABLE storyline (
    id            UUID PRIMARY KEY,
    world_id      UUID        NOT NULL REFERENCES world (id) ON DELETE CASCADE,
    version       BIGINT      NOT NULL,
    title         TEXT        NOT NULL,
    description   TEXT        NOT NULL DEFAULT '',
    start_beat_id TEXT        NOT NULL,
    chapters      TEXT        NOT NULL DEFAULT '[]',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX storyline_world ON storyline (world_id);

CREATE TABLE creator_profile (
    user_id      TEXT PRIMARY KEY,
    display_name TEXT        NOT NULL,
    bio          TEXT        NOT NULL DEFAULT '',
    avatar_url   TEXT,
    updated_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE post (
    id              UUID PRIMARY KEY,
    share_id        TEXT        NOT NULL UNIQUE,
    session_id      TEXT        NOT NULL,
    author_id       TEXT        NOT NULL,
    author_name     TEXT        NOT NULL,
    title           TEXT        NOT NULL,
    caption         TEXT        NOT NULL DEFAULT '',
    world_id        TEXT,
    character_ids   TEXT        NOT NULL DEFAULT '[]',
    leaf_message_id TEXT,
    content_rating  TEXT        NOT NULL,
    messages        TEXT        NOT NULL DEFAULT '[]',
    message_count   INTEGER     NOT NULL DEFAULT 0,
    like_count      INTEGER     NOT NULL DEFAULT 0,
    comment_count   INTEGER     NOT NULL DEFAULT 0,
    hidden          BOOLEAN     NOT NULL DEFAULT false,
    shared_at       TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX post_author_newest ON post (author_id, created_at DESC) WHERE NOT hidden;
CREATE INDEX post_newest ON post (created_at DESC) WHERE NOT hidden;
CREATE INDEX post_world ON post (world_id, created_at DESC);

CREATE TABLE post_like (
    post_id    UUID        NOT NULL REFERENCES post (id) ON DELETE CASCADE,
    user_id    TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (post_id, user_id)
);

CREATE TABLE post_comment (
    id          UUID PRIMARY KEY,
    post_id     UUID        NOT NULL REFERENCES post (id) ON DELETE CASCADE,
    parent_id   UUID REFERENCES post_comment (id) ON DELETE CASCADE,
    author_id   TEXT        NOT NULL,
    author_name TEXT        NOT NULL,
    body        TEXT        NOT NULL,
    hidden      BOOLEAN     NOT NULL DEFAULT false,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX post_comment_post ON post_comment (post_id, created_at);

CREATE TABLE follow (
    follower_id TEXT        NOT NULL,
    followee_id TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (follower_id, followee_id)
);
CREATE INDEX follow_followee ON follow (followee_id);

CREATE TABLE report (
    id          UUID PRIMARY KEY,
    target_type TEXT        NOT NULL,
    target_id   UUID        NOT NULL,
    reporter_id TEXT        NOT NULL,
    reason      TEXT        NOT NULL,
    status      TEXT        NOT NULL DEFAULT 'open',
    created_at  TIMESTAMPTZ NOT NULL,
    resolved_at TIMESTAMPTZ,
    UNIQUE (target_type, target_id, reporter_id)
);
CREATE INDEX report_open ON report (created_at) WHERE status = 'open';

CREATE TABLE moderation_action (
    id           UUID PRIMARY KEY,
    moderator_id TEXT        NOT NULL,
    action       TEXT        NOT NULL,
    target_type  TEXT        NOT NULL,
    target_id    UUID        NOT NULL,
    reason       TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX moderation_action_target ON moderation_action (target_type, target_id, created_at);
