-- remindd schema 2 for MySQL 8 / MariaDB 10.6+: an index that covers the
-- snapshot's read of completions (store.done: the obligations of a plan done
-- by an instant), so that the server reads the plan's index entries instead
-- of every row with its done_by and note. Its entries come by assignee, so
-- that the reader meets each assignee's rows together; done_at, last, is
-- checked in the index. Same index as
-- migrations/sqlite/0002_completions_done.sql.
-- MySQL 8 has no CREATE INDEX IF NOT EXISTS: the index is created only when
-- information_schema lacks it, so that the migration can run again after the
-- index was made but the version was not recorded. The statements run on one
-- connection, which keeps the session variable and the prepared statement.
-- The runner splits on semicolons: none inside a statement.

SET @remindd_0002 = (SELECT IF(COUNT(*) = 0,
    'CREATE INDEX completions_done ON completions (plan_id, assignee_kind, assignee_id, task, done_at)',
    'DO 0')
    FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND table_name = 'completions' AND index_name = 'completions_done');
PREPARE remindd_0002 FROM @remindd_0002;
EXECUTE remindd_0002;
DEALLOCATE PREPARE remindd_0002;
