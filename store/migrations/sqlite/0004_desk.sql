-- remindd schema 4 for SQLite: the web desk. A completion has a status
-- (done, or reported through a personal link and awaiting the office's
-- confirmation) and a source; every change to what is done is an event,
-- never deleted; desk accounts, their sessions and failed logins. Same
-- tables and columns as migrations/mysql/0004_desk.sql.
-- The runner splits on semicolons: none inside a statement.

ALTER TABLE completions ADD COLUMN status TEXT NOT NULL DEFAULT 'done' CHECK (status IN ('done', 'reported'));
ALTER TABLE completions ADD COLUMN source TEXT NOT NULL DEFAULT '' CHECK (length(source) <= 16);
-- The few reported completions, found without reading the others.
CREATE INDEX completions_status ON completions (plan_id, status);

-- The history: one row per change to what is done (reported, confirmed,
-- returned, recorded, undone), with who, how and why.
CREATE TABLE events (
    id            INTEGER  PRIMARY KEY AUTOINCREMENT,
    plan_id       TEXT     NOT NULL CHECK (plan_id <> '' AND length(plan_id) <= 64),
    action        TEXT     NOT NULL CHECK (action IN ('reported', 'confirmed', 'returned', 'recorded', 'undone')),
    task          INTEGER  NOT NULL,
    assignee_kind TEXT     NOT NULL CHECK (assignee_kind IN ('section', 'enterprise')),
    assignee_id   TEXT     NOT NULL CHECK (assignee_id <> '' AND length(assignee_id) <= 64),
    done_by       TEXT     NOT NULL DEFAULT '' CHECK (length(done_by) <= 255),
    source        TEXT     NOT NULL DEFAULT '' CHECK (length(source) <= 16),
    note          TEXT     NOT NULL DEFAULT '',
    done_at       DATETIME NULL,
    at            DATETIME NOT NULL
);
CREATE INDEX events_obligation ON events (plan_id, task, assignee_kind, assignee_id);
CREATE INDEX events_assignee ON events (plan_id, assignee_kind, assignee_id);
CREATE INDEX events_action ON events (plan_id, action);

-- Desk accounts: the office's, and each section's.
CREATE TABLE users (
    name          TEXT     NOT NULL PRIMARY KEY CHECK (name <> '' AND length(name) <= 64),
    role          TEXT     NOT NULL CHECK (role IN ('office', 'section')),
    section       TEXT     NOT NULL DEFAULT '' CHECK (length(section) <= 64),
    password_hash TEXT     NOT NULL CHECK (password_hash <> '' AND length(password_hash) <= 255),
    created_at    DATETIME NOT NULL
);

-- Desk sessions, by the SHA-256 of the cookie's value, so that any instance
-- serves them.
CREATE TABLE sessions (
    id         TEXT     NOT NULL PRIMARY KEY CHECK (length(id) = 64),
    user_name  TEXT     NOT NULL CHECK (user_name <> '' AND length(user_name) <= 64),
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Failed logins, by user name or client address, for the rate limit.
CREATE TABLE login_failures (
    id         INTEGER  PRIMARY KEY AUTOINCREMENT,
    login_key  TEXT     NOT NULL CHECK (login_key <> '' AND length(login_key) <= 255),
    at         DATETIME NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (login_key, at);
