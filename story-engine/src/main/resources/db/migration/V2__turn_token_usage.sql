-- What the runtime reported for a finished turn: prompt tokens as it counted them (after any trimming of its own) and
-- generated tokens. The prompt inspector shows them next to story-engine's own count.
ALTER TABLE turn ADD COLUMN prompt_tokens INTEGER;
ALTER TABLE turn ADD COLUMN completion_tokens INTEGER;
