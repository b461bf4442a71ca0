-- Characters (persona cards), their version history, avatars and CHARX asset files.
-- pg_trgm is created in every Mopao database by `./mopao infra up` (superuser); this only makes sure it exists
-- where the migrating role may create it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE EXTENSION pg_trgm;
    END IF;
END
$$;

CREATE TABLE characters (
    id                          UUID PRIMARY KEY,
    version                     BIGINT      NOT NULL,
    owner_id                    TEXT        NOT NULL,
    owner_name                  TEXT        NOT NULL,
    visibility                  TEXT        NOT NULL CHECK (visibility IN ('private', 'unlisted', 'public')),
    content_rating              TEXT        NOT NULL CHECK (content_rating IN ('general', 'teen', 'mature')),
    hidden                      BOOLEAN     NOT NULL DEFAULT false,
    hidden_reason               TEXT,
    name                        TEXT        NOT NULL,
    nickname                    TEXT,
    description                 TEXT        NOT NULL DEFAULT '',
    personality                 TEXT        NOT NULL DEFAULT '',
    scenario                    TEXT        NOT NULL DEFAULT '',
    first_message               TEXT        NOT NULL DEFAULT '',
    example_messages            TEXT        NOT NULL DEFAULT '',
    system_prompt               TEXT        NOT NULL DEFAULT '',
    post_history_instructions   TEXT        NOT NULL DEFAULT '',
    creator_notes               TEXT        NOT NULL DEFAULT '',
    creator                     TEXT        NOT NULL DEFAULT '',
    character_version           TEXT        NOT NULL DEFAULT '',
    -- JSON documents kept as text: read and written whole by the service
    alternate_greetings         TEXT        NOT NULL DEFAULT '[]',
    group_only_greetings        TEXT        NOT NULL DEFAULT '[]',
    creator_notes_multilingual  TEXT        NOT NULL DEFAULT '{}',
    source                      TEXT        NOT NULL DEFAULT '[]',
    assets                      TEXT,
    character_book              TEXT,
    extensions                  TEXT        NOT NULL DEFAULT '{}',
    tags                        TEXT[]      NOT NULL DEFAULT '{}',
    -- lower-cased tags for filtering
    tag_keys                    TEXT[]      NOT NULL DEFAULT '{}',
    -- lower-cased name, nickname, description, creator and tags: what text search looks at
    search_text                 TEXT        NOT NULL DEFAULT '',
    card_created_at             TIMESTAMPTZ,
    avatar_sha256               TEXT,
    created_at                  TIMESTAMPTZ NOT NULL,
    updated_at                  TIMESTAMPTZ NOT NULL
);

CREATE INDEX characters_search_trgm ON characters USING gin (search_text gin_trgm_ops);
CREATE INDEX characters_name_trgm ON characters USING gin (lower(name) gin_trgm_ops);
CREATE INDEX characters_tag_keys ON characters USING gin (tag_keys);
CREATE INDEX characters_owner ON characters (owner_id, updated_at DESC, id);
CREATE INDEX characters_listing ON characters (updated_at DESC, id) WHERE visibility = 'public' AND NOT hidden;
CREATE INDEX characters_creator ON characters (lower(creator));

CREATE TABLE character_versions (
    character_id  UUID        NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
    version       BIGINT      NOT NULL,
    author_id     TEXT        NOT NULL,
    author_name   TEXT        NOT NULL,
    change        TEXT        NOT NULL,
    -- the editable content of that version (the API's CharacterContent as JSON)
    content       TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (character_id, version)
);

CREATE TABLE character_avatars (
    character_id  UUID PRIMARY KEY REFERENCES characters (id) ON DELETE CASCADE,
    media_type    TEXT        NOT NULL,
    data          BYTEA       NOT NULL,
    sha256        TEXT        NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- files of a CHARX import (assets/..., x_meta/...), written back on CHARX export
CREATE TABLE character_asset_files (
    character_id  UUID        NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
    path          TEXT        NOT NULL,
    data          BYTEA       NOT NULL,
    PRIMARY KEY (character_id, path)
);
