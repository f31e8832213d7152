-- remindd schema 7 for SQLite: what the monthly forms (附件4, 附件5) need
-- to know about an enterprise: its roles (标杆培育对象 …, joined by 、),
-- standardisation type (国标/省标/地标) and level (一级/二级/三级/自评),
-- benchmark tier (市级/县级) and risk colour (红/橙/黄/蓝); '' when
-- unknown. Same columns as migrations/mysql/0007_enterprise_attrs.sql.
-- The runner splits on semicolons: none inside a statement.

ALTER TABLE enterprises ADD COLUMN roles TEXT NOT NULL DEFAULT '' CHECK (length(roles) <= 1024);
ALTER TABLE enterprises ADD COLUMN std_type TEXT NOT NULL DEFAULT '' CHECK (std_type IN ('', '国标', '省标', '地标'));
ALTER TABLE enterprises ADD COLUMN level TEXT NOT NULL DEFAULT '' CHECK (level IN ('', '一级', '二级', '三级', '自评'));
ALTER TABLE enterprises ADD COLUMN benchmark_tier TEXT NOT NULL DEFAULT '' CHECK (benchmark_tier IN ('', '市级', '县级'));
ALTER TABLE enterprises ADD COLUMN risk TEXT NOT NULL DEFAULT '' CHECK (risk IN ('', '红', '橙', '黄', '蓝'));
