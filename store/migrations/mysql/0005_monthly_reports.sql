-- remindd schema 5 for MySQL 8 / MariaDB 10.6+: the months' reports the
-- sections marked sent (五（五）: the written summary and the forms), one row
-- per section and month, never deleted: the record of who marked it, how
-- and when. Same table and columns as migrations/sqlite/0005_monthly_reports.sql.
-- The runner splits on semicolons: none inside a statement.

CREATE TABLE IF NOT EXISTS monthly_reports (
    plan_id     VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    section     VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    month       CHAR(7)      CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    reported_by VARCHAR(255) NOT NULL DEFAULT '',
    source      VARCHAR(16)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
    reported_at DATETIME(6)  NOT NULL,
    PRIMARY KEY (plan_id, section, month),
    CONSTRAINT monthly_reports_plan_id CHECK (plan_id <> ''),
    CONSTRAINT monthly_reports_section CHECK (section <> ''),
    CONSTRAINT monthly_reports_month CHECK (month REGEXP '^[0-9]{4}-(0[1-9]|1[0-2])$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
