-- Notifications and reminders, behind GET /notifications, GET /notifications/live, the notification
-- mail and the reminder scheduler (Swift: NotificationQueries).
-- Events: Sources/Domain (mentoring session-*, gatherings, communities, scholarships, identity and
-- profiles for who fits a scholarship) and Sources/Domain/Notifications (notifications.read,
-- notifications.all-read, reminders.reminder-fired).
--
-- A notification is derived from the event that concerns the person: its id is that event's log
-- position (one notification per person and event), so ids grow with time, `Last-Event-ID` is an id,
-- and a rebuild gives every notification back its id. Only the read marks are events of their own.
-- Titles and bodies are written in the reader's language by the API from `kind` and `subject_title`.
--
-- Reminders: the `reminders` table is the schedule, derived from the domain events (a session
-- accepted schedules one per party an hour before, a registration one a day before the event, a
-- scholarship one seven days before its deadline); the scheduler fires the due ones through the
-- command path (reminders.reminder-fired), which is what turns one into notifications.
--
-- Erasure: an erased person's notifications and reminders are deleted, and no new one is made for
-- them (the trigger); a session title they wrote reads "[erased]" in the other party's inbox.

-- @schema
CREATE TABLE notifications (
    recipient_id   TEXT NOT NULL,
    id             INTEGER NOT NULL,   -- the log position of the event that caused it
    kind           TEXT NOT NULL,      -- session_requested, session_accepted, … (the contract's kinds)
    subject_id     TEXT,               -- the session, event, community or scholarship
    subject_title  TEXT,               -- its title or name (a session's title is its mentee's words)
    subject_author TEXT,               -- whose words subject_title is, when a person's
    subject_at     TEXT,               -- when the session or event starts, the scholarship closes
    actor_id       TEXT,               -- who did it (NULL: the platform)
    created_at     TEXT NOT NULL,      -- ISO 8601 UTC to the second
    read_at        TEXT,
    PRIMARY KEY (recipient_id, id)
) WITHOUT ROWID;
-- The live feed and the mail read what a batch added, by id, for every recipient at once.
CREATE INDEX notifications_by_id ON notifications (id);
CREATE INDEX notifications_by_subject_author ON notifications (subject_author) WHERE subject_author IS NOT NULL;

-- The schedule: one row per reminder; `recipient_id` NULL: the people a scholarship fits, found
-- when it fires. A reminder is moot (never fired) once `until_at` passed.
CREATE TABLE reminders (
    key          TEXT PRIMARY KEY,     -- its stream is reminder-<key>
    kind         TEXT NOT NULL,        -- session_reminder | event_reminder | scholarship_deadline
    subject_id   TEXT NOT NULL,
    recipient_id TEXT,
    due_at       TEXT NOT NULL,        -- ISO 8601 UTC with milliseconds
    until_at     TEXT NOT NULL,
    fired_at     TEXT
);
CREATE INDEX reminders_due ON reminders (due_at) WHERE fired_at IS NULL;
CREATE INDEX reminders_by_subject ON reminders (subject_id);
CREATE INDEX reminders_by_recipient ON reminders (recipient_id);

-- What the notifications need to know about their subjects.
CREATE TABLE n_sessions (
    id           TEXT PRIMARY KEY,
    mentor_id    TEXT NOT NULL,
    mentee_id    TEXT NOT NULL,
    title        TEXT NOT NULL,        -- the mentee's words
    scheduled_at TEXT NOT NULL
);
-- Erasure blanks the titles a mentee wrote.
CREATE INDEX n_sessions_by_mentee ON n_sessions (mentee_id);
CREATE TABLE n_events (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    start_date TEXT NOT NULL
);
CREATE TABLE n_communities (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    owner_id TEXT NOT NULL
);
-- Who hears of a join request (owner and moderators) and of an answer in a community (its posters).
CREATE TABLE n_moderators (community_id TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (community_id, user_id)) WITHOUT ROWID;
CREATE TABLE n_posters (community_id TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (community_id, user_id)) WITHOUT ROWID;
CREATE INDEX n_posters_by_user ON n_posters (user_id);
CREATE INDEX n_moderators_by_user ON n_moderators (user_id);
CREATE TABLE n_scholarships (
    id               TEXT PRIMARY KEY,
    title            TEXT NOT NULL,
    deadline         TEXT NOT NULL,
    education_levels TEXT NOT NULL,   -- JSON array; [] fits every level
    countries        TEXT NOT NULL    -- JSON array; [] fits every country
);
-- Who a scholarship fits: students by country and education level.
CREATE TABLE n_people (
    id              TEXT PRIMARY KEY,
    role            TEXT NOT NULL,
    country_code    TEXT,
    education_level TEXT
);
CREATE TABLE n_erased (id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TRIGGER notifications_never_for_the_erased BEFORE INSERT ON notifications
WHEN EXISTS (SELECT 1 FROM n_erased WHERE id = NEW.recipient_id)
BEGIN SELECT RAISE(IGNORE); END;

-- Mentoring ----------------------------------------------------------------------------------------

-- @on mentoring.session-requested
INSERT INTO n_sessions (id, mentor_id, mentee_id, title, scheduled_at)
VALUES (:lower_sessionId, :lower_mentorId, :lower_menteeId, :p_title, :p_scheduledAt)
ON CONFLICT (id) DO NOTHING;
INSERT OR IGNORE INTO notifications (recipient_id, id, kind, subject_id, subject_title, subject_author, subject_at, actor_id, created_at)
VALUES (:lower_mentorId, :position, 'session_requested', :lower_sessionId, :p_title, :lower_menteeId,
        (substr(:p_scheduledAt, 1, 19) || 'Z'), :lower_menteeId, (substr(:p_at, 1, 19) || 'Z'));

-- @on mentoring.session-accepted
INSERT OR IGNORE INTO notifications (recipient_id, id, kind, subject_id, subject_title, subject_author, subject_at, actor_id, created_at)
SELECT :lower_menteeId, :position, 'session_accepted', id, title, mentee_id, (substr(:p_scheduledAt, 1, 19) || 'Z'),
       :lower_mentorId, (substr(:p_at, 1, 19) || 'Z')
FROM n_sessions WHERE id = :lower_sessionId;
INSERT OR REPLACE INTO reminders (key, kind, subject_id, recipient_id, due_at, until_at)
SELECT 'session-' || :lower_sessionId || '-' || party, 'session_reminder', :lower_sessionId, party,
       strftime('%Y-%m-%dT%H:%M:%fZ', :p_scheduledAt, '-60 minutes'), :p_scheduledAt
FROM (SELECT :lower_mentorId AS party UNION ALL SELECT :lower_menteeId);

-- The mentor declines: the mentee hears of it.
-- @on mentoring.session-declined
INSERT OR IGNORE INTO notifications (recipient_id, id, kind, subject_id, subject_title, subject_author, subject_at, actor_id, created_at)
SELECT mentee_id, :position, 'session_declined', id, title, mentee_id, (substr(scheduled_at, 1, 19) || 'Z'), :lower_by,
       (substr(:p_at, 1, 19) || 'Z')
FROM n_sessions WHERE id = :lower_sessionId;

-- Either party (or an admin) cancels: the parties other than the one who cancelled hear of it.
-- @on mentoring.session-cancelled
INSERT OR IGNORE INTO notifications (recipient_id, id, kind, subject_id, subject_title, subject_author, subject_at, actor_id, created_at)
SELECT party, :position, 'session_cancelled', id, title, mentee_id, (substr(scheduled_at, 1, 19) || 'Z'), :lower_by,
       (substr(:p_at, 1, 19) || 'Z')
FROM (SELECT id, title, mentee_id, scheduled_at, mentor_id AS party FROM n_sessions WHERE id = :lower_sessionId
      UNION ALL SELECT id, title, mentee_id, scheduled_at, mentee_id FROM n_sessions WHERE id = :lower_sessionId)
WHERE party IS NOT :lower_by;
DELETE FROM reminders WHERE subject_id = :lower_sessionId AND fired_at IS NULL;

-- @on mentoring.session-started mentoring.session-completed
DELETE FROM reminders WHERE subject_id = :lower_sessionId AND fired_at IS NULL;

-- Events (gatherings) ------------------------------------------------------------------------------

-- @on gatherings.event-created
INSERT INTO n_events (id, title, start_date) VALUES (:lower_eventId, :p_title, :p_startDate)
ON CONFLICT (id) DO NOTHING;

-- A seat: reminded the day before (a promotion from the waitlist is also a notification).
-- @on gatherings.registered gatherings.waitlist-promoted
INSERT OR IGNORE INTO notifications (recipient_id, id, kind, subject_id, subject_title, subject_at, created_at)
SELECT :lower_userId, :position, 'waitlist_promoted', id, title, (substr(start_date, 1, 19) || 'Z'), (substr(:p_at, 1, 19) || 'Z')
FROM n_events WHERE id = :lower_eventId AND :type = 'gatherings.waitlist-promoted';
INSERT OR REPLACE INTO reminders (key, kind, subject_id, recipient_id, due_at, until_at)
SELECT 'event-' || id || '-' || :lower_userId, 'event_reminder', id, :lower_userId,
       strftime('%Y-%m-%dT%H:%M:%fZ', start_date, '-1 day'), start_date
FROM n_events WHERE id = :lower_eventId
  AND NOT EXISTS (SELECT 1 FROM reminders WHERE key = 'event-' || :lower_eventId || '-' || :lower_userId AND fired_at IS NOT NULL);

-- @on gatherings.registration-cancelled
DELETE FROM reminders WHERE key = 'event-' || :lower_eventId || '-' || :lower_userId AND fired_at IS NULL;

-- @on gatherings.event-cancelled
DELETE FROM reminders WHERE subject_id = :lower_eventId AND fired_at IS NULL;

-- Communities --------------------------------------------------------------------------------------

-- @on communities.community-created
INSERT INTO n_communities (id, name, owner_id) VALUES (:lower_communityId, :p_name, :lower_ownerId)
ON CONFLICT (id) DO NOTHING;

-- @on communities.ownership-transferred
UPDATE n_communities SET owner_id = :lower_to WHERE id = :lower_communityId;

-- @on communities.moderator-appointed
INSERT OR IGNORE INTO n_moderators (community_id, user_id) VALUES (:lower_communityId, :lower_userId);

-- The owner and the community's moderators answer join requests.
-- @on communities.join-requested
INSERT OR IGNORE INTO notifications (recipient_id, id, kind, subject_id, subject_title, actor_id, created_at)
SELECT who, :position, 'join_requested', :lower_communityId, name, :lower_userId, (substr(:p_at, 1, 19) || 'Z')
FROM (SELECT owner_id AS who, name FROM n_communities WHERE id = :lower_communityId
      UNION SELECT m.user_id, c.name FROM n_moderators m JOIN n_communities c ON c.id = m.community_id
      WHERE m.community_id = :lower_communityId);

-- @on communities.join-approved
INSERT OR IGNORE INTO notifications (recipient_id, id, kind, subject_id, subject_title, actor_id, created_at)
SELECT :lower_userId, :position, 'join_approved', id, name, :lower_by, (substr(:p_at, 1, 19) || 'Z')
FROM n_communities WHERE id = :lower_communityId;

-- Someone answers in a conversation: everyone who posted in the community before hears of it.
-- @on communities.post-published
INSERT OR IGNORE INTO notifications (recipient_id, id, kind, subject_id, subject_title, actor_id, created_at)
SELECT p.user_id, :position, 'community_reply', c.id, c.name, :lower_authorId, (substr(:p_at, 1, 19) || 'Z')
FROM n_posters p JOIN n_communities c ON c.id = p.community_id
WHERE p.community_id = :lower_communityId AND p.user_id <> :lower_authorId;
INSERT OR IGNORE INTO n_posters (community_id, user_id) VALUES (:lower_communityId, :lower_authorId);

-- @on communities.member-left communities.member-banned
DELETE FROM n_posters WHERE community_id = :lower_communityId AND user_id = :lower_userId;
DELETE FROM n_moderators WHERE community_id = :lower_communityId AND user_id = :lower_userId;

-- Scholarships -------------------------------------------------------------------------------------

-- @on scholarships.scholarship-created scholarships.scholarship-updated
INSERT INTO n_scholarships (id, title, deadline, education_levels, countries)
VALUES (:lower_scholarshipId, :p_title, :p_deadline,
        coalesce(json_extract(:json_eligibility, '$.educationLevels'), '[]'), coalesce(json_extract(:json_eligibility, '$.countries'), '[]'))
ON CONFLICT (id) DO UPDATE SET
    title = excluded.title, deadline = excluded.deadline, education_levels = excluded.education_levels, countries = excluded.countries;
INSERT INTO reminders (key, kind, subject_id, due_at, until_at)
VALUES ('scholarship-' || :lower_scholarshipId, 'scholarship_deadline', :lower_scholarshipId,
        strftime('%Y-%m-%dT%H:%M:%fZ', :p_deadline, '-7 days'), :p_deadline)
ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at, until_at = excluded.until_at WHERE fired_at IS NULL;

-- @on scholarships.scholarship-closed
DELETE FROM reminders WHERE subject_id = :lower_scholarshipId AND fired_at IS NULL;

-- People (who a scholarship fits) ------------------------------------------------------------------

-- @on identity.account-registered
INSERT INTO n_people (id, role, country_code) VALUES (:lower_userId, :p_role, upper(:p_countryCode))
ON CONFLICT (id) DO UPDATE SET role = excluded.role, country_code = coalesce(excluded.country_code, country_code);

-- @on identity.role-changed
UPDATE n_people SET role = :p_role WHERE id = :lower_userId;

-- @on profiles.profile-updated
UPDATE n_people SET
    country_code = CASE WHEN :p_countryCode IS NULL THEN country_code ELSE upper(nullif(:p_countryCode, '')) END,
    education_level = coalesce(:p_currentEducationLevel, education_level)
WHERE id = :lower_userId;

-- Reminders and read marks -------------------------------------------------------------------------

-- A fired reminder notifies its recipients once (its id: the position of reminder-fired).
-- @on reminders.reminder-fired
UPDATE reminders SET fired_at = :p_at WHERE key = :p_key;
INSERT OR IGNORE INTO notifications (recipient_id, id, kind, subject_id, subject_title, subject_author, subject_at, created_at)
SELECT lower(r.value), :position, :p_kind, :lower_subjectId,
       coalesce(s.title, e.title, sc.title), s.mentee_id,
       (substr(coalesce(s.scheduled_at, e.start_date, sc.deadline), 1, 19) || 'Z'), (substr(:p_at, 1, 19) || 'Z')
FROM json_each(:json_recipients) r
LEFT JOIN n_sessions s ON :p_kind = 'session_reminder' AND s.id = :lower_subjectId
LEFT JOIN n_events e ON :p_kind = 'event_reminder' AND e.id = :lower_subjectId
LEFT JOIN n_scholarships sc ON :p_kind = 'scholarship_deadline' AND sc.id = :lower_subjectId;

-- @on notifications.read
UPDATE notifications SET read_at = (substr(:p_at, 1, 19) || 'Z')
WHERE recipient_id = :lower_userId AND id = :p_notificationId AND read_at IS NULL;

-- @on notifications.all-read
UPDATE notifications SET read_at = (substr(:p_at, 1, 19) || 'Z')
WHERE recipient_id = :lower_userId AND id <= :p_upTo AND read_at IS NULL;

-- Erasure ------------------------------------------------------------------------------------------

-- @on identity.account-erased
INSERT OR IGNORE INTO n_erased (id) VALUES (:lower_userId);
DELETE FROM notifications WHERE recipient_id = :lower_userId;
DELETE FROM reminders WHERE recipient_id = :lower_userId;
DELETE FROM n_people WHERE id = :lower_userId;
DELETE FROM n_posters WHERE user_id = :lower_userId;
DELETE FROM n_moderators WHERE user_id = :lower_userId;
UPDATE notifications SET subject_title = '[erased]' WHERE subject_author = :lower_userId;
UPDATE n_sessions SET title = '[erased]' WHERE mentee_id = :lower_userId;
