-- remindd schema 6 for SQLite: the one morning message. A daily
-- message bundles items that each keep their own dedup key:
-- notification_items holds the keys of the items every message carried, so
-- that an item is told once whichever morning it first comes up. And an
-- escalation (催办, a section's red items copied to its leaders) is an event,
-- and so are a section's month marked sent (month_reported) and an edit on
-- the desk (edited).
-- Same tables and columns as migrations/mysql/0006_daily.sql.

CREATE TABLE notification_items (
    item_key         TEXT     NOT NULL PRIMARY KEY CHECK (item_key <> '' AND length(item_key) <= 255),
    notification_key TEXT     NOT NULL CHECK (length(notification_key) <= 255),
    created_at       DATETIME NOT NULL
);
CREATE INDEX notification_items_notification ON notification_items (notification_key);

-- SQLite cannot change a CHECK: the events table is rebuilt with the new
-- action, keeping every row and id.
CREATE TABLE events_new (
    id            INTEGER  PRIMARY KEY AUTOINCREMENT,
    plan_id       TEXT     NOT NULL CHECK (plan_id <> '' AND length(plan_id) <= 64),
    action        TEXT     NOT NULL CHECK (action IN ('reported', 'confirmed', 'returned', 'recorded', 'undone', 'escalated', 'month_reported', 'edited')),
    task          INTEGER  NOT NULL,
    assignee_kind TEXT     NOT NULL CHECK (assignee_kind IN ('section', 'enterprise')),
    assignee_id   TEXT     NOT NULL CHECK (assignee_id <> '' AND length(assignee_id) <= 64),
    done_by       TEXT     NOT NULL DEFAULT '' CHECK (length(done_by) <= 255),
    source        TEXT     NOT NULL DEFAULT '' CHECK (length(source) <= 16),
    note          TEXT     NOT NULL DEFAULT '',
    done_at       DATETIME NULL,
    at            DATETIME NOT NULL
);
INSERT INTO events_new (id, plan_id, action, task, assignee_kind, assignee_id, done_by, source, note, done_at, at)
    SELECT id, plan_id, action, task, assignee_kind, assignee_id, done_by, source, note, done_at, at FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE INDEX events_obligation ON events (plan_id, task, assignee_kind, assignee_id);
CREATE INDEX events_assignee ON events (plan_id, assignee_kind, assignee_id);
CREATE INDEX events_action ON events (plan_id, action);
