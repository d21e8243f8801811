-- Scholarships, behind GET /scholarships?q=&country=&level=&field=&open=true and
-- GET /scholarships/{id}. Events: Sources/Domain/Scholarships (payloads `Published`, `Closed`).
-- Ids are stored as lowercase UUID strings. Eligibility lists are also exploded into one row per
-- value for filtering; an empty list means "no restriction" (the any_* flags say so).

-- @schema
CREATE TABLE scholarships (
    id                       TEXT PRIMARY KEY,
    title                    TEXT NOT NULL,
    description              TEXT NOT NULL,
    provider                 TEXT NOT NULL,
    amount                   TEXT,              -- decimal string, e.g. '1500.00'
    currency                 TEXT,
    application_fee          TEXT,
    application_fee_currency TEXT,
    deadline                 TEXT NOT NULL,     -- ISO 8601 UTC
    application_url          TEXT,
    eligibility              TEXT NOT NULL,     -- the eligibility object, as JSON
    any_country              INTEGER NOT NULL,  -- 1: open to every country
    any_level                INTEGER NOT NULL,  -- 1: open to every education level
    any_field                INTEGER NOT NULL,  -- 1: open to every field of study
    closed                   INTEGER NOT NULL DEFAULT 0,
    closed_at                TEXT,
    created_at               TEXT NOT NULL,
    created_by               TEXT,
    updated_at               TEXT NOT NULL,
    position                 INTEGER NOT NULL   -- the last event applied to the row
);
-- The list walks these in its order (deadline, then id): open ones from now on, or all of them.
CREATE INDEX scholarships_open_by_deadline ON scholarships (closed, deadline, id);
CREATE INDEX scholarships_by_deadline ON scholarships (deadline, id);

CREATE TABLE scholarship_countries (
    scholarship_id TEXT NOT NULL REFERENCES scholarships (id),
    country        TEXT NOT NULL,               -- ISO 3166-1 code, uppercase
    PRIMARY KEY (country, scholarship_id)
) WITHOUT ROWID;
-- Replacing a scholarship's lists deletes by scholarship: without these, each update scans the table.
CREATE INDEX scholarship_countries_by_scholarship ON scholarship_countries (scholarship_id);

CREATE TABLE scholarship_levels (
    scholarship_id TEXT NOT NULL REFERENCES scholarships (id),
    level          TEXT NOT NULL,               -- high_school, bachelor, master, phd, professional
    PRIMARY KEY (level, scholarship_id)
) WITHOUT ROWID;
CREATE INDEX scholarship_levels_by_scholarship ON scholarship_levels (scholarship_id);

CREATE TABLE scholarship_fields (
    scholarship_id TEXT NOT NULL REFERENCES scholarships (id),
    field          TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (field, scholarship_id)
) WITHOUT ROWID;
CREATE INDEX scholarship_fields_by_scholarship ON scholarship_fields (scholarship_id);

-- A created or updated scholarship carries all of its details: upsert, then replace the lists.
-- @on scholarships.scholarship-created scholarships.scholarship-updated
INSERT INTO scholarships (
    id, title, description, provider, amount, currency, application_fee, application_fee_currency,
    deadline, application_url, eligibility, any_country, any_level, any_field,
    created_at, created_by, updated_at, position
) VALUES (
    :lower_scholarshipId, :p_title, :p_description, :p_provider,
    json_extract(:json_amount, '$.amount'), json_extract(:json_amount, '$.currency'),
    json_extract(:json_applicationFee, '$.amount'), json_extract(:json_applicationFee, '$.currency'),
    :p_deadline, :p_applicationUrl, :p_eligibility,
    coalesce(json_array_length(:json_eligibility, '$.countries'), 0) = 0,
    coalesce(json_array_length(:json_eligibility, '$.educationLevels'), 0) = 0,
    coalesce(json_array_length(:json_eligibility, '$.fieldsOfStudy'), 0) = 0,
    :p_at, :lower_by, :p_at, :position
)
ON CONFLICT (id) DO UPDATE SET
    title = excluded.title, description = excluded.description, provider = excluded.provider,
    amount = excluded.amount, currency = excluded.currency,
    application_fee = excluded.application_fee, application_fee_currency = excluded.application_fee_currency,
    deadline = excluded.deadline, application_url = excluded.application_url, eligibility = excluded.eligibility,
    any_country = excluded.any_country, any_level = excluded.any_level, any_field = excluded.any_field,
    updated_at = excluded.updated_at, position = excluded.position;

DELETE FROM scholarship_countries WHERE scholarship_id = :lower_scholarshipId;
INSERT INTO scholarship_countries (scholarship_id, country)
    SELECT DISTINCT :lower_scholarshipId, value FROM json_each(:json_eligibility, '$.countries');

DELETE FROM scholarship_levels WHERE scholarship_id = :lower_scholarshipId;
INSERT INTO scholarship_levels (scholarship_id, level)
    SELECT DISTINCT :lower_scholarshipId, value FROM json_each(:json_eligibility, '$.educationLevels');

DELETE FROM scholarship_fields WHERE scholarship_id = :lower_scholarshipId;
INSERT OR IGNORE INTO scholarship_fields (scholarship_id, field)
    SELECT :lower_scholarshipId, value FROM json_each(:json_eligibility, '$.fieldsOfStudy');

-- @on scholarships.scholarship-closed
UPDATE scholarships
SET closed = 1, closed_at = :p_at, updated_at = :p_at, position = :position
WHERE id = :lower_scholarshipId;
