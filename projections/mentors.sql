-- Mentors, behind GET /mentors/available?expertise=&language=&from=&to= and the mentor detail.
-- Events: Sources/Domain/Mentoring (mentor-registered, mentor-profile-updated, mentor-verified,
-- mentor-rated, session-*) and, for the mentor's display name, Identity's account-registered and
-- account-erased and Profiles' profile-updated.
--
-- The rating is the Bayesian average of Mentoring.Mentor: (C·m + Σ ratings) / (C + n) with the prior
-- mean m = 4.0 (ratingPriorMean) and weight C = 5 (ratingPriorWeight); it is stored so that the list
-- can be ordered by an index (ReadModelsTests checks it against the decider's State.rating).

-- @schema
CREATE TABLE mentors (
    id                   TEXT PRIMARY KEY,      -- the mentor's user id
    expertise_areas      TEXT NOT NULL,         -- JSON array of strings, as given
    experience_years     INTEGER NOT NULL,
    hourly_rate_amount   TEXT,                  -- decimal string, e.g. '40.00'
    hourly_rate_currency TEXT,
    languages            TEXT NOT NULL,         -- JSON array of ISO 639 codes
    time_zone            TEXT NOT NULL,         -- IANA identifier; availability is local to it
    availability         TEXT NOT NULL,         -- JSON array of {day, start, end}
    verified             INTEGER NOT NULL DEFAULT 0,
    verified_at          TEXT,
    erased               INTEGER NOT NULL DEFAULT 0,  -- the account was erased: no longer listed
    rating_count         INTEGER NOT NULL DEFAULT 0,
    rating_sum           INTEGER NOT NULL DEFAULT 0,
    rating               REAL NOT NULL DEFAULT 4.0,   -- Bayesian average (see above)
    sessions_requested   INTEGER NOT NULL DEFAULT 0,  -- sessions in each status now
    sessions_accepted    INTEGER NOT NULL DEFAULT 0,
    sessions_in_progress INTEGER NOT NULL DEFAULT 0,
    sessions_completed   INTEGER NOT NULL DEFAULT 0,
    sessions_cancelled   INTEGER NOT NULL DEFAULT 0,
    sessions_declined    INTEGER NOT NULL DEFAULT 0,
    registered_at        TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    position             INTEGER NOT NULL
);
-- GET /mentors/available: verified mentors by rating, best first, then id (keyset pagination).
CREATE INDEX mentors_listed_by_rating ON mentors (verified, erased, rating DESC, id);

CREATE TABLE mentor_expertise (
    mentor_id TEXT NOT NULL REFERENCES mentors (id),
    expertise TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (expertise, mentor_id)
) WITHOUT ROWID;
CREATE INDEX mentor_expertise_by_mentor ON mentor_expertise (mentor_id);

CREATE TABLE mentor_languages (
    mentor_id TEXT NOT NULL REFERENCES mentors (id),
    language  TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (language, mentor_id)
) WITHOUT ROWID;
CREATE INDEX mentor_languages_by_mentor ON mentor_languages (mentor_id);

-- Names of every account (anyone may become a mentor later); personal, deleted on erasure.
CREATE TABLE people (
    user_id    TEXT PRIMARY KEY,
    first_name TEXT,
    last_name  TEXT
);

-- Each session's mentor and status: later session events carry only the session id.
CREATE TABLE mentor_sessions (
    session_id TEXT PRIMARY KEY,
    mentor_id  TEXT NOT NULL,
    status     TEXT NOT NULL
);

-- @on identity.account-registered
INSERT INTO people (user_id, first_name, last_name) VALUES (:lower_userId, :p_firstName, :p_lastName)
ON CONFLICT (user_id) DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name;

-- @on profiles.profile-updated
UPDATE people SET
    first_name = CASE WHEN :p_firstName IS NULL THEN first_name ELSE nullif(:p_firstName, '') END,
    last_name = CASE WHEN :p_lastName IS NULL THEN last_name ELSE nullif(:p_lastName, '') END
WHERE user_id = :lower_userId;

-- @on identity.account-erased
DELETE FROM people WHERE user_id = :lower_userId;
UPDATE mentors SET erased = 1, updated_at = :p_at, position = :position WHERE id = :lower_userId;

-- The whole profile each time: upsert, then replace the lists.
-- @on mentoring.mentor-registered mentoring.mentor-profile-updated
INSERT INTO mentors (
    id, expertise_areas, experience_years, hourly_rate_amount, hourly_rate_currency, languages, time_zone,
    availability, registered_at, updated_at, position
) VALUES (
    :lower_mentorId, :p_expertiseAreas, :p_experienceYears,
    json_extract(:json_hourlyRate, '$.amount'), json_extract(:json_hourlyRate, '$.currency'),
    :p_languages, :p_timeZone, :p_availability, :p_at, :p_at, :position
)
ON CONFLICT (id) DO UPDATE SET
    expertise_areas = excluded.expertise_areas, experience_years = excluded.experience_years,
    hourly_rate_amount = excluded.hourly_rate_amount, hourly_rate_currency = excluded.hourly_rate_currency,
    languages = excluded.languages, time_zone = excluded.time_zone, availability = excluded.availability,
    updated_at = excluded.updated_at, position = excluded.position;

DELETE FROM mentor_expertise WHERE mentor_id = :lower_mentorId;
INSERT OR IGNORE INTO mentor_expertise (mentor_id, expertise)
    SELECT :lower_mentorId, value FROM json_each(:json_expertiseAreas);

DELETE FROM mentor_languages WHERE mentor_id = :lower_mentorId;
INSERT OR IGNORE INTO mentor_languages (mentor_id, language)
    SELECT :lower_mentorId, value FROM json_each(:json_languages);

-- @on mentoring.mentor-verified
UPDATE mentors SET verified = 1, verified_at = :p_at, updated_at = :p_at, position = :position WHERE id = :lower_mentorId;

-- @on mentoring.mentor-rated
UPDATE mentors SET
    rating_count = rating_count + 1,
    rating_sum = rating_sum + :p_rating,
    rating = (5 * 4.0 + rating_sum + :p_rating) / (5 + rating_count + 1),
    updated_at = :p_at, position = :position
WHERE id = :lower_mentorId;

-- Session counts: each session's mentor and status are kept (later events carry only the session
-- id); an event moves one session from its old status to the new one, so the mentor's counters move
-- by one each (no recount: a mentor with thousands of sessions costs the same).
-- @on mentoring.session-requested mentoring.session-accepted mentoring.session-declined mentoring.session-cancelled mentoring.session-started mentoring.session-completed
INSERT INTO mentor_sessions (session_id, mentor_id, status)
SELECT :lower_sessionId, :lower_mentorId, '' WHERE :type = 'mentoring.session-requested'
ON CONFLICT (session_id) DO NOTHING;

UPDATE mentors SET
    sessions_requested = sessions_requested + (t.new = 'requested') - (t.old = 'requested'),
    sessions_accepted = sessions_accepted + (t.new = 'accepted') - (t.old = 'accepted'),
    sessions_in_progress = sessions_in_progress + (t.new = 'in_progress') - (t.old = 'in_progress'),
    sessions_completed = sessions_completed + (t.new = 'completed') - (t.old = 'completed'),
    sessions_cancelled = sessions_cancelled + (t.new = 'cancelled') - (t.old = 'cancelled'),
    sessions_declined = sessions_declined + (t.new = 'declined') - (t.old = 'declined'),
    position = :position
FROM (
    SELECT mentor_id, status AS old, CASE :type
        WHEN 'mentoring.session-requested' THEN 'requested'
        WHEN 'mentoring.session-accepted' THEN 'accepted'
        WHEN 'mentoring.session-declined' THEN 'declined'
        WHEN 'mentoring.session-cancelled' THEN 'cancelled'
        WHEN 'mentoring.session-started' THEN 'in_progress'
        WHEN 'mentoring.session-completed' THEN 'completed' END AS new
    FROM mentor_sessions WHERE session_id = :lower_sessionId
) AS t
WHERE mentors.id = t.mentor_id;

UPDATE mentor_sessions SET status = CASE :type
        WHEN 'mentoring.session-requested' THEN 'requested'
        WHEN 'mentoring.session-accepted' THEN 'accepted'
        WHEN 'mentoring.session-declined' THEN 'declined'
        WHEN 'mentoring.session-cancelled' THEN 'cancelled'
        WHEN 'mentoring.session-started' THEN 'in_progress'
        WHEN 'mentoring.session-completed' THEN 'completed' END
WHERE session_id = :lower_sessionId;
