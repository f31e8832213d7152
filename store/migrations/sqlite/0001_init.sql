-- remindd schema 1 for SQLite. Same tables and columns as migrations/mysql/0001_init.sql;
-- the CHECKs on length stand in for MySQL's VARCHAR sizes. Instants are UTC text,
-- 'YYYY-MM-DD HH:MM:SS.ffffff'; dates are 'YYYY-MM-DD'.
-- The runner splits on semicolons: none inside a statement.

-- Enterprises the sections supervise, by 统一社会信用代码.
CREATE TABLE enterprises (
    credit_code  TEXT     NOT NULL PRIMARY KEY CHECK (length(credit_code) = 18),
    name         TEXT     NOT NULL CHECK (name <> '' AND length(name) <= 255),
    sector       TEXT     NOT NULL DEFAULT '' CHECK (length(sector) <= 64),
    size_class   TEXT     NOT NULL DEFAULT '' CHECK (length(size_class) <= 32),
    trades       TEXT     NOT NULL DEFAULT '' CHECK (length(trades) <= 1024),
    contact_name TEXT     NOT NULL DEFAULT '' CHECK (length(contact_name) <= 255),
    email        TEXT     NOT NULL DEFAULT '' CHECK (length(email) <= 255),
    mobile       TEXT     NOT NULL DEFAULT '' CHECK (length(mobile) <= 32),
    webhook      TEXT     NOT NULL DEFAULT '' CHECK (length(webhook) <= 1024),
    active       INTEGER  NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at   DATETIME NOT NULL
);

-- One row per obligation done: (plan, task, assignee).
CREATE TABLE completions (
    plan_id       TEXT     NOT NULL CHECK (plan_id <> '' AND length(plan_id) <= 64),
    task          INTEGER  NOT NULL,
    assignee_kind TEXT     NOT NULL CHECK (assignee_kind IN ('section', 'enterprise')),
    assignee_id   TEXT     NOT NULL CHECK (assignee_id <> '' AND length(assignee_id) <= 64),
    done_at       DATETIME NOT NULL,
    done_by       TEXT     NOT NULL DEFAULT '' CHECK (length(done_by) <= 255),
    note          TEXT     NOT NULL DEFAULT '',
    recorded_at   DATETIME NOT NULL,
    CONSTRAINT completions_obligation UNIQUE (plan_id, task, assignee_kind, assignee_id)
);

-- Benchmark enterprises, certified enterprises and demo posts.
CREATE TABLE achievements (
    id          INTEGER  PRIMARY KEY AUTOINCREMENT,
    plan_id     TEXT     NOT NULL CHECK (plan_id <> '' AND length(plan_id) <= 64),
    sector      TEXT     NOT NULL CHECK (sector <> '' AND length(sector) <= 64),
    metric      TEXT     NOT NULL CHECK (metric <> '' AND length(metric) <= 32),
    name        TEXT     NOT NULL DEFAULT '' CHECK (length(name) <= 255),
    enterprise  TEXT     NULL CHECK (length(enterprise) <= 18),
    size_class  TEXT     NOT NULL DEFAULT '' CHECK (length(size_class) <= 32),
    post_kind   TEXT     NOT NULL DEFAULT '' CHECK (length(post_kind) <= 32),
    achieved_on DATE     NOT NULL,
    recorded_at DATETIME NOT NULL
);
CREATE INDEX achievements_plan ON achievements (plan_id, sector, metric);

-- The outbox: one message to one recipient on one channel, unique by dedup key.
CREATE TABLE notifications (
    id              INTEGER  PRIMARY KEY AUTOINCREMENT,
    dedup_key       TEXT     NOT NULL CHECK (dedup_key <> '' AND length(dedup_key) <= 255),
    plan_id         TEXT     NOT NULL CHECK (length(plan_id) <= 64),
    rule            TEXT     NOT NULL CHECK (length(rule) <= 32),
    recipient_kind  TEXT     NOT NULL CHECK (length(recipient_kind) <= 16),
    recipient_id    TEXT     NOT NULL CHECK (length(recipient_id) <= 64),
    channel         TEXT     NOT NULL CHECK (length(channel) <= 64),
    address         TEXT     NOT NULL DEFAULT '' CHECK (length(address) <= 1024),
    subject         TEXT     NOT NULL DEFAULT '' CHECK (length(subject) <= 1000),
    body            TEXT     NOT NULL DEFAULT '',
    tasks           TEXT     NOT NULL DEFAULT '' CHECK (length(tasks) <= 2000),
    status          TEXT     NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        INTEGER  NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    claimed_by      TEXT     NOT NULL DEFAULT '' CHECK (length(claimed_by) <= 255),
    claimed_at      DATETIME NULL,
    sent_at         DATETIME NULL,
    last_error      TEXT     NOT NULL DEFAULT '' CHECK (length(last_error) <= 2000),
    created_at      DATETIME NOT NULL,
    CONSTRAINT notifications_dedup_key UNIQUE (dedup_key)
);
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_plan ON notifications (plan_id, status);

-- The last run of each scheduled job, for catch-up after a restart.
CREATE TABLE job_runs (
    plan_id     TEXT     NOT NULL CHECK (plan_id <> '' AND length(plan_id) <= 64),
    job         TEXT     NOT NULL CHECK (job <> '' AND length(job) <= 64),
    last_run_at DATETIME NOT NULL,
    PRIMARY KEY (plan_id, job)
);
