-- remindd schema 2 for SQLite: an index that covers the snapshot's read of
-- completions (store.done: the obligations of a plan done by an instant), so
-- that it reads the plan's index entries instead of every row. Its entries
-- come by assignee, so that the reader meets each assignee's rows together;
-- done_at, last, is checked in the index. Same index as
-- migrations/mysql/0002_completions_done.sql.
-- The runner splits on semicolons: none inside a statement.

CREATE INDEX IF NOT EXISTS completions_done ON completions (plan_id, assignee_kind, assignee_id, task, done_at);
