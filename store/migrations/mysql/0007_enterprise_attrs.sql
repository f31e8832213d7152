-- remindd schema 7 for MySQL 8 / MariaDB 10.6+: what the monthly forms
-- (附件4, 附件5) need to know about an enterprise: its roles (标杆培育对象 …,
-- joined by 、), standardisation type (国标/省标/地标) and level
-- (一级/二级/三级/自评), benchmark tier (市级/县级) and risk colour
-- (红/橙/黄/蓝); '' when unknown. Same columns as
-- migrations/sqlite/0007_enterprise_attrs.sql.
-- MySQL 8 has no ADD COLUMN IF NOT EXISTS: each column is added only when
-- information_schema lacks it, so that the migration can run again after a
-- part of it was applied (see 0004_desk.sql).
-- The runner splits on semicolons: none inside a statement.

SET @remindd_0007 = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE enterprises ADD COLUMN roles VARCHAR(1024) NOT NULL DEFAULT ''''',
    'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = 'enterprises' AND column_name = 'roles');
PREPARE remindd_0007 FROM @remindd_0007;
EXECUTE remindd_0007;
DEALLOCATE PREPARE remindd_0007;

SET @remindd_0007 = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE enterprises ADD COLUMN std_type VARCHAR(16) NOT NULL DEFAULT '''', ADD CONSTRAINT enterprises_std_type CHECK (std_type IN ('''', ''国标'', ''省标'', ''地标''))',
    'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = 'enterprises' AND column_name = 'std_type');
PREPARE remindd_0007 FROM @remindd_0007;
EXECUTE remindd_0007;
DEALLOCATE PREPARE remindd_0007;

SET @remindd_0007 = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE enterprises ADD COLUMN level VARCHAR(16) NOT NULL DEFAULT '''', ADD CONSTRAINT enterprises_level CHECK (level IN ('''', ''一级'', ''二级'', ''三级'', ''自评''))',
    'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = 'enterprises' AND column_name = 'level');
PREPARE remindd_0007 FROM @remindd_0007;
EXECUTE remindd_0007;
DEALLOCATE PREPARE remindd_0007;

SET @remindd_0007 = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE enterprises ADD COLUMN benchmark_tier VARCHAR(16) NOT NULL DEFAULT '''', ADD CONSTRAINT enterprises_benchmark_tier CHECK (benchmark_tier IN ('''', ''市级'', ''县级''))',
    'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = 'enterprises' AND column_name = 'benchmark_tier');
PREPARE remindd_0007 FROM @remindd_0007;
EXECUTE remindd_0007;
DEALLOCATE PREPARE remindd_0007;

SET @remindd_0007 = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE enterprises ADD COLUMN risk VARCHAR(16) NOT NULL DEFAULT '''', ADD CONSTRAINT enterprises_risk CHECK (risk IN ('''', ''红'', ''橙'', ''黄'', ''蓝''))',
    'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = 'enterprises' AND column_name = 'risk');
PREPARE remindd_0007 FROM @remindd_0007;
EXECUTE remindd_0007;
DEALLOCATE PREPARE remindd_0007;
