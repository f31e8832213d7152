-- remindd schema 1 for MySQL 8 / MariaDB 10.6+. Same tables and columns as
-- migrations/sqlite/0001_init.sql. Instants are DATETIME(6) in UTC.
-- Keys and identifiers compare byte for byte (utf8mb4_bin); text uses utf8mb4_unicode_ci.
-- MySQL commits each DDL statement on its own, so every statement can be run
-- again after a half-applied migration (IF NOT EXISTS).
-- The runner splits on semicolons: none inside a statement.

-- Enterprises the sections supervise, by 统一社会信用代码.
CREATE TABLE IF NOT EXISTS enterprises (
    credit_code  CHAR(18)      CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    name         VARCHAR(255)  NOT NULL,
    sector       VARCHAR(64)   CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
    size_class   VARCHAR(32)   NOT NULL DEFAULT '',
    trades       VARCHAR(1024) NOT NULL DEFAULT '',
    contact_name VARCHAR(255)  NOT NULL DEFAULT '',
    email        VARCHAR(255)  NOT NULL DEFAULT '',
    mobile       VARCHAR(32)   NOT NULL DEFAULT '',
    webhook      VARCHAR(1024) NOT NULL DEFAULT '',
    active       BOOLEAN       NOT NULL DEFAULT TRUE,
    updated_at   DATETIME(6)   NOT NULL,
    PRIMARY KEY (credit_code),
    CONSTRAINT enterprises_credit_code CHECK (CHAR_LENGTH(credit_code) = 18),
    CONSTRAINT enterprises_name CHECK (name <> ''),
    CONSTRAINT enterprises_active CHECK (active IN (0, 1))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per obligation done: (plan, task, assignee).
CREATE TABLE IF NOT EXISTS completions (
    plan_id       VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    task          INT          NOT NULL,
    assignee_kind VARCHAR(16)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    assignee_id   VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    done_at       DATETIME(6)  NOT NULL,
    done_by       VARCHAR(255) NOT NULL DEFAULT '',
    note          TEXT         NOT NULL,
    recorded_at   DATETIME(6)  NOT NULL,
    UNIQUE KEY completions_obligation (plan_id, task, assignee_kind, assignee_id),
    CONSTRAINT completions_plan_id CHECK (plan_id <> ''),
    CONSTRAINT completions_assignee_kind CHECK (assignee_kind IN ('section', 'enterprise')),
    CONSTRAINT completions_assignee_id CHECK (assignee_id <> '')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Benchmark enterprises, certified enterprises and demo posts.
CREATE TABLE IF NOT EXISTS achievements (
    id          BIGINT       NOT NULL AUTO_INCREMENT,
    plan_id     VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    sector      VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    metric      VARCHAR(32)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    name        VARCHAR(255) NOT NULL DEFAULT '',
    enterprise  VARCHAR(18)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    size_class  VARCHAR(32)  NOT NULL DEFAULT '',
    post_kind   VARCHAR(32)  NOT NULL DEFAULT '',
    achieved_on DATE         NOT NULL,
    recorded_at DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    KEY achievements_plan (plan_id, sector, metric),
    CONSTRAINT achievements_plan_id CHECK (plan_id <> ''),
    CONSTRAINT achievements_sector CHECK (sector <> ''),
    CONSTRAINT achievements_metric CHECK (metric <> '')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The outbox: one message to one recipient on one channel, unique by dedup key.
CREATE TABLE IF NOT EXISTS notifications (
    id              BIGINT        NOT NULL AUTO_INCREMENT,
    dedup_key       VARCHAR(255)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    plan_id         VARCHAR(64)   CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    rule            VARCHAR(32)   CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    recipient_kind  VARCHAR(16)   CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    recipient_id    VARCHAR(64)   CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    channel         VARCHAR(64)   CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    address         VARCHAR(1024) NOT NULL DEFAULT '',
    subject         VARCHAR(1000) NOT NULL DEFAULT '',
    body            MEDIUMTEXT    NOT NULL,
    tasks           VARCHAR(2000) NOT NULL DEFAULT '',
    status          VARCHAR(16)   CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT 'pending',
    attempts        INT           NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(6)   NOT NULL,
    claimed_by      VARCHAR(255)  NOT NULL DEFAULT '',
    claimed_at      DATETIME(6)   NULL,
    sent_at         DATETIME(6)   NULL,
    last_error      VARCHAR(2000) NOT NULL DEFAULT '',
    created_at      DATETIME(6)   NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY notifications_dedup_key (dedup_key),
    KEY notifications_due (status, next_attempt_at),
    KEY notifications_plan (plan_id, status),
    CONSTRAINT notifications_key CHECK (dedup_key <> ''),
    CONSTRAINT notifications_status CHECK (status IN ('pending', 'sending', 'sent', 'failed'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The last run of each scheduled job, for catch-up after a restart.
CREATE TABLE IF NOT EXISTS job_runs (
    plan_id     VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    job         VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    last_run_at DATETIME(6) NOT NULL,
    PRIMARY KEY (plan_id, job)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
