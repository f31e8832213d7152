-- remindd schema 9 for MySQL 8 / MariaDB 10.6+: completions get a primary
-- key, (plan_id, assignee_kind, assignee_id, task), which InnoDB clusters
-- the rows by. Without one it clustered them by their first unique key,
-- completions_obligation (plan_id, task, ...): the ~16 rows of one
-- enterprise that its personal page reads lay on ~16 pages, 1.3 ms a page
-- at 100k enterprises when the table is larger than the buffer pool; now
-- they lie together. The primary key has the unique key's columns, so the
-- unique key goes: one index fewer to keep on each report. Same key as
-- migrations/sqlite/0009_completions_by_assignee.sql.
-- Both changes are one statement, made only when the table has no primary
-- key yet, so that the migration can run again after it was applied but
-- the version was not recorded. It rebuilds the table (a few seconds per
-- million rows). The runner splits on semicolons: none inside a statement.

SET @remindd_0009 = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE completions ADD PRIMARY KEY (plan_id, assignee_kind, assignee_id, task), DROP INDEX completions_obligation',
    'DO 0')
    FROM information_schema.table_constraints
    WHERE table_schema = DATABASE() AND table_name = 'completions' AND constraint_type = 'PRIMARY KEY');
PREPARE remindd_0009 FROM @remindd_0009;
EXECUTE remindd_0009;
DEALLOCATE PREPARE remindd_0009;
