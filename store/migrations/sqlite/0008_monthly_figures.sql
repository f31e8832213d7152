-- remindd schema 8 for SQLite: the figures each section enters per month
-- for the monthly forms (附件4's 样板乡镇 counts, 附件5's 四项规范, 一企一策,
-- 5S, 六有 and enforcement figures), the ones no other table holds. A row
-- holds what happened in one month (section, month YYYY-MM); the forms add
-- the months from each column's counting base. The columns are
-- remindd.FigureColumns' keys, in order; the fines' amount is in yuan. Same
-- table as migrations/mysql/0008_monthly_figures.sql.
-- The runner splits on semicolons: none inside a statement.

CREATE TABLE monthly_figures (
    section    TEXT     NOT NULL CHECK (section <> '' AND length(section) <= 64),
    month      TEXT     NOT NULL CHECK (length(month) = 7),
    sample_towns_city     INTEGER NOT NULL DEFAULT 0 CHECK (sample_towns_city >= 0),
    sample_towns_county   INTEGER NOT NULL DEFAULT 0 CHECK (sample_towns_county >= 0),
    sample_towns_township INTEGER NOT NULL DEFAULT 0 CHECK (sample_towns_township >= 0),
    spec_checklists       INTEGER NOT NULL DEFAULT 0 CHECK (spec_checklists >= 0),
    spec_risk_guides      INTEGER NOT NULL DEFAULT 0 CHECK (spec_risk_guides >= 0),
    spec_rules            INTEGER NOT NULL DEFAULT 0 CHECK (spec_rules >= 0),
    spec_guides           INTEGER NOT NULL DEFAULT 0 CHECK (spec_guides >= 0),
    lists_enterprises     INTEGER NOT NULL DEFAULT 0 CHECK (lists_enterprises >= 0),
    lists_hazards_found   INTEGER NOT NULL DEFAULT 0 CHECK (lists_hazards_found >= 0),
    lists_hazards_fixed   INTEGER NOT NULL DEFAULT 0 CHECK (lists_hazards_fixed >= 0),
    site_5s               INTEGER NOT NULL DEFAULT 0 CHECK (site_5s >= 0),
    signs_6               INTEGER NOT NULL DEFAULT 0 CHECK (signs_6 >= 0),
    inspected             INTEGER NOT NULL DEFAULT 0 CHECK (inspected >= 0),
    hazards_found         INTEGER NOT NULL DEFAULT 0 CHECK (hazards_found >= 0),
    hazards_fixed         INTEGER NOT NULL DEFAULT 0 CHECK (hazards_fixed >= 0),
    major_enterprises     INTEGER NOT NULL DEFAULT 0 CHECK (major_enterprises >= 0),
    major_hazards         INTEGER NOT NULL DEFAULT 0 CHECK (major_hazards >= 0),
    major_fixed           INTEGER NOT NULL DEFAULT 0 CHECK (major_fixed >= 0),
    fined                 INTEGER NOT NULL DEFAULT 0 CHECK (fined >= 0),
    fine_yuan             INTEGER NOT NULL DEFAULT 0 CHECK (fine_yuan >= 0),
    suspended             INTEGER NOT NULL DEFAULT 0 CHECK (suspended >= 0),
    licences              INTEGER NOT NULL DEFAULT 0 CHECK (licences >= 0),
    closed                INTEGER NOT NULL DEFAULT 0 CHECK (closed >= 0),
    prosecuted            INTEGER NOT NULL DEFAULT 0 CHECK (prosecuted >= 0),
    exposed               INTEGER NOT NULL DEFAULT 0 CHECK (exposed >= 0),
    warned                INTEGER NOT NULL DEFAULT 0 CHECK (warned >= 0),
    rewarded              INTEGER NOT NULL DEFAULT 0 CHECK (rewarded >= 0),
    restrained            INTEGER NOT NULL DEFAULT 0 CHECK (restrained >= 0),
    updated_by TEXT     NOT NULL DEFAULT '' CHECK (length(updated_by) <= 255),
    source     TEXT     NOT NULL DEFAULT '' CHECK (length(source) <= 16),
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (section, month)
);
CREATE INDEX monthly_figures_month ON monthly_figures (month);
