-- remindd schema 9 for SQLite: completions get a primary key, (plan_id,
-- assignee_kind, assignee_id, task), and are stored by it (WITHOUT ROWID),
-- so that the rows of one assignee, which its personal page reads, lie
-- together. The primary key has the unique key completions_obligation's
-- columns, which it replaces. Same key as
-- migrations/mysql/0009_completions_by_assignee.sql.
-- SQLite cannot change a table's key: the table is made again, with the
-- columns, checks and indexes of schemas 1, 2 and 4, in the migration's
-- transaction. The runner splits on semicolons: none inside a statement.

CREATE TABLE completions_by_assignee (
    plan_id       TEXT     NOT NULL CHECK (plan_id <> '' AND length(plan_id) <= 64),
    task          INTEGER  NOT NULL,
    assignee_kind TEXT     NOT NULL CHECK (assignee_kind IN ('section', 'enterprise')),
    assignee_id   TEXT     NOT NULL CHECK (assignee_id <> '' AND length(assignee_id) <= 64),
    done_at       DATETIME NOT NULL,
    done_by       TEXT     NOT NULL DEFAULT '' CHECK (length(done_by) <= 255),
    note          TEXT     NOT NULL DEFAULT '',
    recorded_at   DATETIME NOT NULL,
    status        TEXT     NOT NULL DEFAULT 'done' CHECK (status IN ('done', 'reported')),
    source        TEXT     NOT NULL DEFAULT '' CHECK (length(source) <= 16),
    PRIMARY KEY (plan_id, assignee_kind, assignee_id, task)
) WITHOUT ROWID;
INSERT INTO completions_by_assignee (plan_id, task, assignee_kind, assignee_id, done_at, done_by, note, recorded_at, status, source)
    SELECT plan_id, task, assignee_kind, assignee_id, done_at, done_by, note, recorded_at, status, source FROM completions;
DROP TABLE completions;
ALTER TABLE completions_by_assignee RENAME TO completions;
CREATE INDEX completions_done ON completions (plan_id, assignee_kind, assignee_id, task, done_at);
CREATE INDEX completions_status ON completions (plan_id, status);
