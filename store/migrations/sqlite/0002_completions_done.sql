-- remindd schema 2 for SQLite: an index that covers the snapshot's read of
-- completions (store.done: the obligations of a plan done by an instant), so
-- that it reads the index range plan_id = ? AND done_at <= ? instead of every
-- row. Same index as migrations/mysql/0002_completions_done.sql.
-- The runner splits on semicolons: none inside a statement.

CREATE INDEX IF NOT EXISTS completions_done ON completions (plan_id, done_at, task, assignee_kind, assignee_id);
