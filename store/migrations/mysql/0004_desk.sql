-- remindd schema 4 for MySQL 8 / MariaDB 10.6+: the web desk. A completion
-- has a status (done, or reported through a personal link and awaiting the
-- office's confirmation) and a source; every change to what is done is an
-- event, never deleted; desk accounts, their sessions and failed logins.
-- Same tables and columns as migrations/sqlite/0004_desk.sql.
-- MySQL 8 has no ADD COLUMN IF NOT EXISTS: each column is added only when
-- information_schema lacks it, so that the migration can run again after a
-- part of it was applied. The statements run on one connection, which keeps
-- the session variables and prepared statements.
-- The runner splits on semicolons: none inside a statement.

SET @remindd_0004 = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE completions ADD COLUMN status VARCHAR(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT ''done'', ADD CONSTRAINT completions_status CHECK (status IN (''done'', ''reported''))',
    'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = 'completions' AND column_name = 'status');
PREPARE remindd_0004 FROM @remindd_0004;
EXECUTE remindd_0004;
DEALLOCATE PREPARE remindd_0004;

SET @remindd_0004 = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE completions ADD COLUMN source VARCHAR(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT ''''',
    'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = 'completions' AND column_name = 'source');
PREPARE remindd_0004 FROM @remindd_0004;
EXECUTE remindd_0004;
DEALLOCATE PREPARE remindd_0004;

-- The few reported completions, found without reading the others.
SET @remindd_0004 = (SELECT IF(COUNT(*) = 0,
    'CREATE INDEX completions_status ON completions (plan_id, status)',
    'DO 0')
    FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND table_name = 'completions' AND index_name = 'completions_status');
PREPARE remindd_0004 FROM @remindd_0004;
EXECUTE remindd_0004;
DEALLOCATE PREPARE remindd_0004;

-- The history: one row per change to what is done (reported, confirmed,
-- returned, recorded, undone), with who, how and why.
CREATE TABLE IF NOT EXISTS events (
    id            BIGINT       NOT NULL AUTO_INCREMENT,
    plan_id       VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    action        VARCHAR(16)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    task          INT          NOT NULL,
    assignee_kind VARCHAR(16)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    assignee_id   VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    done_by       VARCHAR(255) NOT NULL DEFAULT '',
    source        VARCHAR(16)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
    note          TEXT         NOT NULL,
    done_at       DATETIME(6)  NULL,
    at            DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    KEY events_obligation (plan_id, task, assignee_kind, assignee_id),
    KEY events_assignee (plan_id, assignee_kind, assignee_id),
    KEY events_action (plan_id, action),
    CONSTRAINT events_plan_id CHECK (plan_id <> ''),
    CONSTRAINT events_action CHECK (action IN ('reported', 'confirmed', 'returned', 'recorded', 'undone')),
    CONSTRAINT events_assignee_kind CHECK (assignee_kind IN ('section', 'enterprise')),
    CONSTRAINT events_assignee_id CHECK (assignee_id <> '')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Desk accounts: the office's, and each section's.
CREATE TABLE IF NOT EXISTS users (
    name          VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    role          VARCHAR(16)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    section       VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
    password_hash VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    created_at    DATETIME(6)  NOT NULL,
    PRIMARY KEY (name),
    CONSTRAINT users_name CHECK (name <> ''),
    CONSTRAINT users_role CHECK (role IN ('office', 'section')),
    CONSTRAINT users_password_hash CHECK (password_hash <> '')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Desk sessions, by the SHA-256 of the cookie's value, so that any instance
-- serves them.
CREATE TABLE IF NOT EXISTS sessions (
    id         CHAR(64)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    user_name  VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    created_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    KEY sessions_expiry (expires_at),
    CONSTRAINT sessions_id CHECK (CHAR_LENGTH(id) = 64)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Failed logins, by user name or client address, for the rate limit.
CREATE TABLE IF NOT EXISTS login_failures (
    id         BIGINT       NOT NULL AUTO_INCREMENT,
    login_key  VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    at         DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    KEY login_failures_key (login_key, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
