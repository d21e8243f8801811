-- Mentoring sessions, behind GET /mentors/sessions, GET /mentors/calendar and a session by id.
-- Events: Sources/Domain/Mentoring (session-*) and Identity's account-erased.
--
-- `sequence` is the iCalendar SEQUENCE of the session: 0 when requested, bumped by every later event
-- of the session, so calendar clients replace their copy. Title, description, reasons and feedback
-- comments are their author's personal data: "[erased]" on a rebuild, and blanked by the live
-- account-erased event.

-- @schema
CREATE TABLE sessions (
    id               TEXT PRIMARY KEY,
    mentor_id        TEXT NOT NULL,
    mentee_id        TEXT NOT NULL,
    title            TEXT NOT NULL,      -- the mentee's words
    description      TEXT,
    scheduled_at     TEXT NOT NULL,      -- ISO 8601 UTC with milliseconds
    duration_minutes INTEGER NOT NULL,
    ends_at          TEXT NOT NULL,
    status           TEXT NOT NULL,      -- requested | accepted | declined | cancelled | in_progress | completed
    reason           TEXT,               -- why it was declined or cancelled, in the words of reason_by
    reason_by        TEXT,
    ended_by         TEXT,               -- who declined or cancelled (NULL: the system)
    mentor_rating    INTEGER,            -- feedback given by the mentor (on the mentee)
    mentor_comment   TEXT,
    mentee_rating    INTEGER,            -- feedback given by the mentee (on the mentor)
    mentee_comment   TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    sequence         INTEGER NOT NULL DEFAULT 0,
    position         INTEGER NOT NULL
);
-- A user's sessions, newest first, all or by status; the calendar reads the same ranges.
CREATE INDEX sessions_by_mentor ON sessions (mentor_id, scheduled_at, id);
CREATE INDEX sessions_by_mentee ON sessions (mentee_id, scheduled_at, id);
CREATE INDEX sessions_by_mentor_status ON sessions (mentor_id, status, scheduled_at, id);
CREATE INDEX sessions_by_mentee_status ON sessions (mentee_id, status, scheduled_at, id);
-- Erasure blanks the reasons a person wrote.
CREATE INDEX sessions_by_reason_author ON sessions (reason_by) WHERE reason_by IS NOT NULL;

-- @on mentoring.session-requested
INSERT INTO sessions (
    id, mentor_id, mentee_id, title, description, scheduled_at, duration_minutes, ends_at, status,
    created_at, updated_at, position
) VALUES (
    :lower_sessionId, :lower_mentorId, :lower_menteeId, :p_title, :p_description, :p_scheduledAt,
    :p_durationMinutes, strftime('%Y-%m-%dT%H:%M:%fZ', :p_scheduledAt, '+' || :p_durationMinutes || ' minutes'),
    'requested', :p_at, :p_at, :position
)
ON CONFLICT (id) DO NOTHING;

-- @on mentoring.session-accepted
UPDATE sessions SET status = 'accepted', ends_at = :p_endsAt, updated_at = :p_at, sequence = sequence + 1, position = :position
WHERE id = :lower_sessionId;

-- @on mentoring.session-declined mentoring.session-cancelled
UPDATE sessions SET
    status = CASE :type WHEN 'mentoring.session-declined' THEN 'declined' ELSE 'cancelled' END,
    reason = :p_reason, reason_by = CASE WHEN :p_reason IS NULL THEN NULL ELSE :lower_by END, ended_by = :lower_by,
    updated_at = :p_at, sequence = sequence + 1, position = :position
WHERE id = :lower_sessionId;

-- @on mentoring.session-started mentoring.session-completed
UPDATE sessions SET
    status = CASE :type WHEN 'mentoring.session-started' THEN 'in_progress' ELSE 'completed' END,
    updated_at = :p_at, sequence = sequence + 1, position = :position
WHERE id = :lower_sessionId;

-- @on mentoring.session-feedback-given
UPDATE sessions SET
    mentor_rating = CASE :p_authorRole WHEN 'mentor' THEN :p_rating ELSE mentor_rating END,
    mentor_comment = CASE :p_authorRole WHEN 'mentor' THEN :p_comment ELSE mentor_comment END,
    mentee_rating = CASE :p_authorRole WHEN 'mentee' THEN :p_rating ELSE mentee_rating END,
    mentee_comment = CASE :p_authorRole WHEN 'mentee' THEN :p_comment ELSE mentee_comment END,
    updated_at = :p_at, sequence = sequence + 1, position = :position
WHERE id = :lower_sessionId;

-- Blank what the erased person wrote; the sessions stay (the other party's history).
-- @on identity.account-erased
UPDATE sessions SET title = '[erased]', description = NULL WHERE mentee_id = :lower_userId;
UPDATE sessions SET mentee_comment = NULL WHERE mentee_id = :lower_userId;
UPDATE sessions SET mentor_comment = NULL WHERE mentor_id = :lower_userId;
UPDATE sessions SET reason = NULL, reason_by = NULL WHERE reason_by = :lower_userId;
