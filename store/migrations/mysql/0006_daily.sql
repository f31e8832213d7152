-- remindd schema 6 for MySQL 8 / MariaDB 10.6+: the one morning
-- message. A daily message bundles items that each keep their own dedup
-- key: notification_items holds the keys of the items every message carried,
-- so that an item is told once whichever morning it first comes up. And an
-- escalation (催办, a section's red items copied to its leaders) is an event,
-- and so are a section's month marked sent (month_reported) and an edit on
-- the desk (edited).
-- Same tables and columns as migrations/sqlite/0006_daily.sql.
-- The runner splits on semicolons: none inside a statement.

CREATE TABLE IF NOT EXISTS notification_items (
    item_key         VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    notification_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    created_at       DATETIME(6)  NOT NULL,
    PRIMARY KEY (item_key),
    KEY notification_items_notification (notification_key),
    CONSTRAINT notification_items_key CHECK (item_key <> '')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The events' actions gain escalated, month_reported (a section's month
-- marked sent) and edited (an enterprise's attributes or a section's
-- figures changed on the desk). The constraint is replaced only when
-- it lacks the new action, so that the migration can run again.
SET @remindd_0006 = (SELECT IF(COUNT(*) = 1,
    'ALTER TABLE events DROP CONSTRAINT events_action, ADD CONSTRAINT events_action CHECK (action IN (''reported'', ''confirmed'', ''returned'', ''recorded'', ''undone'', ''escalated'', ''month_reported'', ''edited''))',
    'DO 0')
    FROM information_schema.check_constraints
    WHERE constraint_schema = DATABASE() AND constraint_name = 'events_action' AND check_clause NOT LIKE '%edited%');
PREPARE remindd_0006 FROM @remindd_0006;
EXECUTE remindd_0006;
DEALLOCATE PREPARE remindd_0006;
