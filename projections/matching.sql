-- The structured facts behind recommendations, insights and the chat (issue #5): profiles,
-- mentors (verification, availability, ratings, load), scholarships with their eligibility,
-- events, communities, memberships, posts and sessions. Queries and scoring:
-- Sources/ReadModels/Discovery/*Recommender.swift, Insights*.swift; docs/recommendations.md.
-- A read model cannot join another file, so this one holds every fact the scoring reads.
--
-- Personal data kept: names (a recommended mentor's title), and only whether a bio, city,
-- experience or avatar is set (profile completeness) — never their text. Erased accounts are
-- flagged and never recommended; their names read '[erased]'.

-- @schema
CREATE TABLE profiles (
    user_id            TEXT PRIMARY KEY,
    first_name         TEXT NOT NULL DEFAULT '',
    last_name          TEXT NOT NULL DEFAULT '',
    role               TEXT,
    country            TEXT,                        -- ISO 3166-1, uppercase
    level              TEXT,                        -- education level
    field              TEXT,                        -- field of study
    goals              TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    interests          TEXT NOT NULL DEFAULT '[]',
    skills             TEXT NOT NULL DEFAULT '[]',  -- JSON array of skill names
    languages          TEXT NOT NULL DEFAULT '[]',  -- JSON array of ISO 639 codes
    has_bio            INTEGER NOT NULL DEFAULT 0,
    has_city           INTEGER NOT NULL DEFAULT 0,
    has_experience     INTEGER NOT NULL DEFAULT 0,
    has_avatar         INTEGER NOT NULL DEFAULT 0,
    preferred_language TEXT,                        -- fr, en
    visibility         TEXT NOT NULL DEFAULT 'public', -- a private profile is never recommended
    erased             INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE mentors (
    mentor_id        TEXT PRIMARY KEY,
    expertise        TEXT NOT NULL,                 -- areas, separated by char(31)
    languages        TEXT NOT NULL,                 -- ISO 639 codes, separated by char(31)
    time_zone        TEXT NOT NULL,
    slots            INTEGER NOT NULL,              -- weekly availability windows
    experience_years INTEGER NOT NULL,
    verified         INTEGER NOT NULL DEFAULT 0,
    rating_sum       INTEGER NOT NULL DEFAULT 0,
    rating_count     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX mentors_bookable ON mentors (verified, slots);

CREATE TABLE sessions (
    session_id   TEXT PRIMARY KEY,
    mentor_id    TEXT NOT NULL,
    mentee_id    TEXT NOT NULL,
    scheduled_at TEXT NOT NULL,
    state        TEXT NOT NULL                      -- requested, accepted, declined, cancelled, in_progress, completed
);
CREATE INDEX sessions_by_mentor ON sessions (mentor_id, scheduled_at);
CREATE INDEX sessions_by_mentee ON sessions (mentee_id, scheduled_at);

CREATE TABLE scholarships (
    id              TEXT PRIMARY KEY,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL,
    provider        TEXT NOT NULL,
    amount          TEXT,
    currency        TEXT,
    application_fee TEXT,
    fee_currency    TEXT,
    deadline        TEXT NOT NULL,
    closed          INTEGER NOT NULL DEFAULT 0,
    levels          TEXT NOT NULL,                  -- values separated by char(31) (cheaper to split than JSON); '' = no restriction
    fields          TEXT NOT NULL,
    countries       TEXT NOT NULL,
    requirements    TEXT NOT NULL,
    preferences     TEXT NOT NULL,
    any_level       INTEGER NOT NULL,
    any_country     INTEGER NOT NULL
);
CREATE INDEX scholarships_open ON scholarships (closed, deadline);

-- Level and country restrictions, one row per value, so the hard filters run in SQL.
CREATE TABLE scholarship_rules (
    rule           TEXT NOT NULL,                   -- level, country
    value          TEXT NOT NULL,
    scholarship_id TEXT NOT NULL,
    PRIMARY KEY (rule, value, scholarship_id)
) WITHOUT ROWID;
CREATE INDEX scholarship_rules_by_scholarship ON scholarship_rules (scholarship_id);

CREATE TABLE events (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    description TEXT,
    type        TEXT NOT NULL,
    start_date  TEXT NOT NULL,
    online      INTEGER NOT NULL,
    cancelled   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_upcoming ON events (cancelled, start_date);

CREATE TABLE registrations (
    user_id  TEXT NOT NULL,
    event_id TEXT NOT NULL,
    state    TEXT NOT NULL,                         -- registered, waitlisted
    PRIMARY KEY (user_id, event_id)
) WITHOUT ROWID;

CREATE TABLE communities (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT,
    category    TEXT NOT NULL,
    country     TEXT,
    private     INTEGER NOT NULL,
    members     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE memberships (
    user_id      TEXT NOT NULL,
    community_id TEXT NOT NULL,
    PRIMARY KEY (user_id, community_id)
) WITHOUT ROWID;
CREATE INDEX memberships_by_community ON memberships (community_id);

CREATE TABLE posts (
    post_id      TEXT PRIMARY KEY,
    community_id TEXT NOT NULL,
    author_id    TEXT NOT NULL,
    at           TEXT NOT NULL
);

-- @on identity.account-registered
INSERT INTO profiles (user_id, first_name, last_name, role, country)
VALUES (:lower_userId, :p_firstName, :p_lastName, :p_role, upper(:p_countryCode))
ON CONFLICT (user_id) DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name, role = excluded.role,
    country = excluded.country;
UPDATE profiles SET has_city = 1 WHERE user_id = :lower_userId AND coalesce(:p_city, '') NOT IN ('', '[erased]');

-- @on identity.role-changed
UPDATE profiles SET role = :p_role WHERE user_id = :lower_userId;

-- @on identity.account-erased
-- What was derived from personal fields goes too: a rebuild, which can no longer read them, derives 0.
UPDATE profiles SET erased = 1, first_name = '[erased]', last_name = '[erased]', has_bio = 0, has_city = 0, has_experience = 0
WHERE user_id = :lower_userId;

-- Only the fields present changed; '' or [] clears.
-- @on profiles.profile-updated
INSERT INTO profiles (user_id) VALUES (:lower_userId) ON CONFLICT (user_id) DO NOTHING;
UPDATE profiles SET
    first_name = coalesce(:p_firstName, first_name),
    last_name = coalesce(:p_lastName, last_name),
    has_bio = CASE WHEN :json_bio IS NULL THEN has_bio ELSE coalesce(:p_bio, '') NOT IN ('', '[erased]') END,
    has_city = CASE WHEN :json_city IS NULL THEN has_city ELSE coalesce(:p_city, '') NOT IN ('', '[erased]') END,
    has_experience = CASE WHEN :json_experience IS NULL THEN has_experience
        ELSE json_type(:json_experience) = 'array' AND json_array_length(:json_experience) > 0 END,
    level = coalesce(:p_currentEducationLevel, level),
    field = CASE WHEN :json_fieldOfStudy IS NULL THEN field ELSE nullif(:p_fieldOfStudy, '') END,
    country = CASE WHEN :json_countryCode IS NULL THEN country ELSE nullif(upper(:p_countryCode), '') END,
    goals = coalesce(:p_careerGoals, goals),
    interests = coalesce(:p_interests, interests),
    skills = CASE WHEN :json_skills IS NULL THEN skills
        ELSE (SELECT json_group_array(json_extract(value, '$.name')) FROM json_each(:json_skills)) END,
    languages = CASE WHEN :json_languages IS NULL THEN languages
        ELSE (SELECT json_group_array(lower(json_extract(value, '$.code'))) FROM json_each(:json_languages)) END
WHERE user_id = :lower_userId;

-- @on profiles.preferences-changed
UPDATE profiles SET preferred_language = coalesce(:p_language, preferred_language),
    visibility = coalesce(:p_profileVisibility, visibility)
WHERE user_id = :lower_userId;

-- @on profiles.avatar-set
UPDATE profiles SET has_avatar = 1 WHERE user_id = :lower_userId;

-- @on mentoring.mentor-registered mentoring.mentor-profile-updated
INSERT INTO mentors (mentor_id, expertise, languages, time_zone, slots, experience_years)
VALUES (:lower_mentorId, coalesce((SELECT group_concat(value, char(31)) FROM json_each(:json_expertiseAreas)), ''),
        coalesce((SELECT group_concat(lower(value), char(31)) FROM json_each(:json_languages)), ''), :p_timeZone, json_array_length(:json_availability),
        :p_experienceYears)
ON CONFLICT (mentor_id) DO UPDATE SET expertise = excluded.expertise, languages = excluded.languages,
    time_zone = excluded.time_zone, slots = excluded.slots, experience_years = excluded.experience_years;

-- @on mentoring.mentor-verified
UPDATE mentors SET verified = 1 WHERE mentor_id = :lower_mentorId;

-- @on mentoring.mentor-rated
UPDATE mentors SET rating_sum = rating_sum + :p_rating, rating_count = rating_count + 1 WHERE mentor_id = :lower_mentorId;

-- @on mentoring.session-requested
INSERT OR IGNORE INTO sessions (session_id, mentor_id, mentee_id, scheduled_at, state)
VALUES (:lower_sessionId, :lower_mentorId, :lower_menteeId, :p_scheduledAt, 'requested');

-- @on mentoring.session-accepted
UPDATE sessions SET state = 'accepted' WHERE session_id = :lower_sessionId;

-- @on mentoring.session-declined
UPDATE sessions SET state = 'declined' WHERE session_id = :lower_sessionId;

-- @on mentoring.session-cancelled
UPDATE sessions SET state = 'cancelled' WHERE session_id = :lower_sessionId;

-- @on mentoring.session-started
UPDATE sessions SET state = 'in_progress' WHERE session_id = :lower_sessionId;

-- @on mentoring.session-completed
UPDATE sessions SET state = 'completed' WHERE session_id = :lower_sessionId;

-- @on scholarships.scholarship-created scholarships.scholarship-updated
INSERT INTO scholarships (
    id, title, description, provider, amount, currency, application_fee, fee_currency, deadline,
    levels, fields, countries, requirements, preferences, any_level, any_country
) VALUES (
    :lower_scholarshipId, :p_title, :p_description, :p_provider,
    json_extract(:json_amount, '$.amount'), json_extract(:json_amount, '$.currency'),
    json_extract(:json_applicationFee, '$.amount'), json_extract(:json_applicationFee, '$.currency'), :p_deadline,
    coalesce((SELECT group_concat(value, char(31)) FROM json_each(:json_eligibility, '$.educationLevels')), ''),
    coalesce((SELECT group_concat(value, char(31)) FROM json_each(:json_eligibility, '$.fieldsOfStudy')), ''),
    coalesce((SELECT group_concat(upper(value), char(31)) FROM json_each(:json_eligibility, '$.countries')), ''),
    coalesce((SELECT group_concat(value, char(31)) FROM json_each(:json_eligibility, '$.requirements')), ''),
    coalesce((SELECT group_concat(value, char(31)) FROM json_each(:json_eligibility, '$.preferences')), ''),
    coalesce(json_array_length(:json_eligibility, '$.educationLevels'), 0) = 0,
    coalesce(json_array_length(:json_eligibility, '$.countries'), 0) = 0
)
ON CONFLICT (id) DO UPDATE SET
    title = excluded.title, description = excluded.description, provider = excluded.provider, amount = excluded.amount,
    currency = excluded.currency, application_fee = excluded.application_fee, fee_currency = excluded.fee_currency,
    deadline = excluded.deadline, levels = excluded.levels, fields = excluded.fields, countries = excluded.countries,
    requirements = excluded.requirements, preferences = excluded.preferences, any_level = excluded.any_level,
    any_country = excluded.any_country;
DELETE FROM scholarship_rules WHERE scholarship_id = :lower_scholarshipId;
INSERT OR IGNORE INTO scholarship_rules (rule, value, scholarship_id)
    SELECT 'level', value, :lower_scholarshipId FROM json_each(:json_eligibility, '$.educationLevels')
    UNION ALL SELECT 'country', upper(value), :lower_scholarshipId FROM json_each(:json_eligibility, '$.countries');

-- @on scholarships.scholarship-closed
UPDATE scholarships SET closed = 1 WHERE id = :lower_scholarshipId;

-- @on gatherings.event-created
INSERT OR IGNORE INTO events (id, title, description, type, start_date, online)
VALUES (:lower_eventId, :p_title, :p_description, :p_eventType, :p_startDate, :p_isOnline);

-- @on gatherings.event-cancelled
UPDATE events SET cancelled = 1 WHERE id = :lower_eventId;

-- @on gatherings.registered gatherings.waitlist-promoted
INSERT OR REPLACE INTO registrations (user_id, event_id, state) VALUES (:lower_userId, :lower_eventId, 'registered');

-- @on gatherings.waitlisted
INSERT OR REPLACE INTO registrations (user_id, event_id, state) VALUES (:lower_userId, :lower_eventId, 'waitlisted');

-- @on gatherings.registration-cancelled gatherings.waitlist-left
DELETE FROM registrations WHERE user_id = :lower_userId AND event_id = :lower_eventId;

-- @on communities.community-created
INSERT OR IGNORE INTO communities (id, name, description, category, country, private)
VALUES (:lower_communityId, :p_name, :p_description, :p_category, upper(:p_countryCode), :p_isPrivate);
INSERT OR IGNORE INTO memberships (user_id, community_id) VALUES (:lower_ownerId, :lower_communityId);
UPDATE communities SET members = (SELECT count(*) FROM memberships WHERE community_id = :lower_communityId)
WHERE id = :lower_communityId;

-- changes() is the number of rows the statement just before added or removed (0 for a member
-- already in, or already gone): the count moves without recounting a large community at each join.
-- @on communities.member-joined communities.join-approved
INSERT OR IGNORE INTO memberships (user_id, community_id) VALUES (:lower_userId, :lower_communityId);
UPDATE communities SET members = members + changes() WHERE id = :lower_communityId;

-- @on communities.member-left communities.member-banned
DELETE FROM memberships WHERE user_id = :lower_userId AND community_id = :lower_communityId;
UPDATE communities SET members = members - changes() WHERE id = :lower_communityId;

-- @on communities.post-published
INSERT OR IGNORE INTO posts (post_id, community_id, author_id, at)
VALUES (:lower_postId, :lower_communityId, :lower_authorId, :p_at);

-- @on communities.post-removed
DELETE FROM posts WHERE post_id = :lower_postId;

-- Indexes only queries use: a build creates them once its rows are in (see audit.sql).
-- @indexes
CREATE INDEX registrations_by_event ON registrations (event_id);
CREATE INDEX posts_by_author ON posts (author_id, at);
