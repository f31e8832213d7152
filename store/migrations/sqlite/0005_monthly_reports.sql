-- remindd schema 5 for SQLite: the months' reports the sections marked sent
-- (五（五）: the written summary and the forms), one row per section and
-- month, never deleted: the record of who marked it, how and when. Same
-- table and columns as migrations/mysql/0005_monthly_reports.sql.
-- The runner splits on semicolons: none inside a statement.

CREATE TABLE monthly_reports (
    plan_id     TEXT     NOT NULL CHECK (plan_id <> '' AND length(plan_id) <= 64),
    section     TEXT     NOT NULL CHECK (section <> '' AND length(section) <= 64),
    month       TEXT     NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]' AND substr(month, 6, 2) BETWEEN '01' AND '12'),
    reported_by TEXT     NOT NULL DEFAULT '' CHECK (length(reported_by) <= 255),
    source      TEXT     NOT NULL DEFAULT '' CHECK (length(source) <= 16),
    reported_at DATETIME NOT NULL,
    PRIMARY KEY (plan_id, section, month)
)
