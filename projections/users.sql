-- Accounts and profiles, behind GET /users/profile, GET /users/{id}/public and GET /users/me/export.
-- Events: Sources/Domain/Identity (account-*, email-verified, login-succeeded, two-factor-*,
-- role-changed) and Sources/Domain/Profiles (profile-updated, preferences-changed, avatar-set).
-- Ids are lowercase UUID strings, times ISO 8601 UTC with milliseconds as the payloads carry them.
--
-- Personal data (email, names, bio, city, experience) arrives revealed, or as "[erased]" once the
-- person's key is destroyed. On identity.account-erased the profile row is deleted and the account
-- keeps only what is not personal (id, role, status, dates): live and rebuilt models end up alike.

-- @schema
CREATE TABLE users (
    id                 TEXT PRIMARY KEY,
    email              TEXT,              -- personal; NULL once erased
    role               TEXT NOT NULL,     -- student | mentor | moderator | admin
    email_verified     INTEGER NOT NULL DEFAULT 0,
    status             TEXT NOT NULL DEFAULT 'active',  -- active | erased
    two_factor_enabled INTEGER NOT NULL DEFAULT 0,
    registered_at      TEXT NOT NULL,
    last_login_at      TEXT,
    erased_at          TEXT,
    updated_at         TEXT NOT NULL,
    position           INTEGER NOT NULL   -- the last event applied to the row
);

-- One row per active account (created at registration); lists are JSON arrays as the events carry them.
CREATE TABLE profiles (
    user_id                 TEXT PRIMARY KEY REFERENCES users (id),
    first_name              TEXT,
    last_name               TEXT,
    bio                     TEXT,
    current_education_level TEXT,      -- high_school | bachelor | master | phd | professional
    field_of_study          TEXT,
    career_goals            TEXT NOT NULL DEFAULT '[]',
    interests               TEXT NOT NULL DEFAULT '[]',
    languages               TEXT NOT NULL DEFAULT '[]',  -- [{code, level}]
    skills                  TEXT NOT NULL DEFAULT '[]',  -- [{name, level?}]
    experience              TEXT NOT NULL DEFAULT '[]',  -- [{title, organization?, startDate?, endDate?, description?}]
    country_code            TEXT,
    city                    TEXT,
    avatar_hash             TEXT,      -- SHA-256 hex of the blob
    avatar_media_type       TEXT,
    language                TEXT NOT NULL DEFAULT 'fr',     -- fr | en (Profiles.State's default)
    profile_visibility      TEXT NOT NULL DEFAULT 'public', -- public | members | private
    email_notifications     INTEGER NOT NULL DEFAULT 1,
    updated_at              TEXT NOT NULL
);

-- @on identity.account-registered
INSERT INTO users (id, email, role, registered_at, updated_at, position)
VALUES (:lower_userId, :p_email, :p_role, :p_registeredAt, :p_registeredAt, :position)
ON CONFLICT (id) DO UPDATE SET
    email = excluded.email, role = excluded.role, registered_at = excluded.registered_at, position = excluded.position;

INSERT INTO profiles (user_id, first_name, last_name, country_code, city, updated_at)
VALUES (:lower_userId, :p_firstName, :p_lastName, :p_countryCode, :p_city, :p_registeredAt)
ON CONFLICT (user_id) DO UPDATE SET
    first_name = excluded.first_name, last_name = excluded.last_name,
    country_code = coalesce(excluded.country_code, country_code), city = coalesce(excluded.city, city);

-- @on identity.email-verified
UPDATE users SET email_verified = 1, updated_at = :p_at, position = :position WHERE id = :lower_userId;

-- @on identity.login-succeeded
UPDATE users SET last_login_at = :p_at, position = :position WHERE id = :lower_userId;

-- @on identity.two-factor-enabled
UPDATE users SET two_factor_enabled = 1, updated_at = :p_at, position = :position WHERE id = :lower_userId;

-- @on identity.two-factor-disabled
UPDATE users SET two_factor_enabled = 0, updated_at = :p_at, position = :position WHERE id = :lower_userId;

-- @on identity.role-changed
UPDATE users SET role = :p_role, updated_at = :p_at, position = :position WHERE id = :lower_userId;

-- Nothing personal stays: the profile goes, the account keeps its id, role, status and dates.
-- @on identity.account-erased
UPDATE users SET email = NULL, status = 'erased', two_factor_enabled = 0, erased_at = :p_at, updated_at = :p_at, position = :position
WHERE id = :lower_userId;

DELETE FROM profiles WHERE user_id = :lower_userId;

-- The profile events of an account that is not erased create its row if needed (a late event of an
-- erased person must not bring "[erased]" rows back); each type then updates its own columns.
-- @on profiles.profile-updated profiles.preferences-changed profiles.avatar-set
INSERT INTO profiles (user_id, updated_at)
SELECT :lower_userId, :p_at
WHERE NOT EXISTS (SELECT 1 FROM users WHERE id = :lower_userId AND status = 'erased')
ON CONFLICT (user_id) DO NOTHING;

-- Only the fields that changed are present; "" clears a text, [] a list.
UPDATE profiles SET
    first_name = CASE WHEN :p_firstName IS NULL THEN first_name ELSE nullif(:p_firstName, '') END,
    last_name = CASE WHEN :p_lastName IS NULL THEN last_name ELSE nullif(:p_lastName, '') END,
    bio = CASE WHEN :p_bio IS NULL THEN bio ELSE nullif(:p_bio, '') END,
    current_education_level = coalesce(:p_currentEducationLevel, current_education_level),
    field_of_study = CASE WHEN :p_fieldOfStudy IS NULL THEN field_of_study ELSE nullif(:p_fieldOfStudy, '') END,
    career_goals = coalesce(:p_careerGoals, career_goals),
    interests = coalesce(:p_interests, interests),
    languages = coalesce(:p_languages, languages),
    skills = coalesce(:p_skills, skills),
    -- an erased CV arrives as the string "[erased]": keep an empty list, never the marker
    experience = CASE json_type(:json_experience) WHEN 'array' THEN :p_experience WHEN 'text' THEN '[]' ELSE experience END,
    country_code = CASE WHEN :p_countryCode IS NULL THEN country_code ELSE nullif(:p_countryCode, '') END,
    city = CASE WHEN :p_city IS NULL THEN city ELSE nullif(:p_city, '') END,
    updated_at = :p_at
WHERE user_id = :lower_userId AND :type = 'profiles.profile-updated';

UPDATE profiles SET
    language = coalesce(:p_language, language),
    profile_visibility = coalesce(:p_profileVisibility, profile_visibility),
    email_notifications = coalesce(:p_emailNotifications, email_notifications),
    updated_at = :p_at
WHERE user_id = :lower_userId AND :type = 'profiles.preferences-changed';

UPDATE profiles SET avatar_hash = :p_contentHash, avatar_media_type = :p_mediaType, updated_at = :p_at
WHERE user_id = :lower_userId AND :type = 'profiles.avatar-set';
