-- Judge turns: after a reply, the runtime model decides a storyline beat's natural-language ("judged") advance
-- condition. They never block the player's turns and are not streamed; judged = '<beat id>#<condition index>'.
ALTER TABLE turn DROP CONSTRAINT turn_kind_check;
ALTER TABLE turn ADD CONSTRAINT turn_kind_check
    CHECK (kind IN ('reply', 'regenerate', 'continue', 'impersonate', 'summary', 'judge'));
DROP INDEX turn_one_running_per_session;
CREATE UNIQUE INDEX turn_one_running_per_session ON turn (session_id) WHERE status = 'running' AND kind NOT IN ('summary', 'judge');
ALTER TABLE turn ADD COLUMN judged TEXT;
