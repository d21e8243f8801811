-- Events (the Gathering context), behind GET /events?type=&from=&to=&online=&q=, GET /events/{id}
-- and GET /events/calendar (Swift: EventQueries). Events: Sources/Domain/Gathering (stream
-- `gathering-<id>`). Ids are lowercase UUID strings; times are ISO 8601 UTC to the second,
-- `2026-11-24T18:00:00Z` (the contract's form), so they sort as text and go out as they are.
--
-- Waitlist positions are kept dense (1, 2, 3…): when someone on the waitlist leaves or is
-- promoted, everyone behind them moves up one place. `sequence` columns count changes, for the
-- iCalendar SEQUENCE of a user's calendar entry (the event's changes plus their registration's).
--
-- Times: the first 19 characters of the codec's `YYYY-MM-DDTHH:MM:SS.sssZ` and 'Z' (see communities.sql).

-- @schema
CREATE TABLE events (
    id               TEXT PRIMARY KEY,
    title            TEXT NOT NULL,
    description      TEXT,
    event_type       TEXT NOT NULL,              -- webinar, conference, workshop, networking, seminar
    start_date       TEXT NOT NULL,
    end_date         TEXT NOT NULL,
    is_online        INTEGER NOT NULL,
    location         TEXT,
    meeting_url      TEXT,
    max_participants INTEGER,                    -- NULL: no limit
    creator_id       TEXT,                       -- NULL when the system created it
    cancelled        INTEGER NOT NULL DEFAULT 0,
    cancelled_at     TEXT,
    cancel_reason    TEXT,
    seats_taken      INTEGER NOT NULL DEFAULT 0,
    waitlist_count   INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    sequence         INTEGER NOT NULL DEFAULT 0, -- changes to the event since its creation
    position         INTEGER NOT NULL            -- the last event applied to the row
);
-- The list is by start date (ties by id); each filter has an index in that order.
CREATE INDEX events_by_start ON events (start_date, id);
CREATE INDEX events_by_type ON events (event_type, start_date, id);
CREATE INDEX events_by_online ON events (is_online, start_date, id);

CREATE TABLE event_registrations (
    event_id          TEXT NOT NULL,
    user_id           TEXT NOT NULL,
    status            TEXT NOT NULL,             -- registered, waitlisted, cancelled
    waitlist_position INTEGER,                   -- 1 for the first in line; NULL unless waitlisted
    registered_at     TEXT NOT NULL,             -- when the user (last) asked for a seat
    updated_at        TEXT NOT NULL,
    sequence          INTEGER NOT NULL DEFAULT 0, -- changes of status since the first registration
    PRIMARY KEY (event_id, user_id)
) WITHOUT ROWID;
CREATE INDEX event_registrations_by_waitlist ON event_registrations (event_id, waitlist_position);

-- @on gatherings.event-created
INSERT INTO events (
    id, title, description, event_type, start_date, end_date, is_online, location, meeting_url,
    max_participants, creator_id, created_at, position
) VALUES (
    :lower_eventId, :p_title, :p_description, :p_eventType,
    (substr(:p_startDate, 1, 19) || 'Z'), (substr(:p_endDate, 1, 19) || 'Z'),
    :p_isOnline, :p_location, :p_meetingUrl, :p_maxParticipants, :lower_createdBy,
    (substr(:p_at, 1, 19) || 'Z'), :position
);

-- A seat; a user who cancelled earlier may register again (same row, next sequence).
-- @on gatherings.registered
INSERT INTO event_registrations (event_id, user_id, status, registered_at, updated_at)
VALUES (:lower_eventId, :lower_userId, 'registered', (substr(:p_at, 1, 19) || 'Z'), (substr(:p_at, 1, 19) || 'Z'))
ON CONFLICT (event_id, user_id) DO UPDATE SET
    status = 'registered', waitlist_position = NULL, registered_at = excluded.registered_at,
    updated_at = excluded.updated_at, sequence = sequence + 1;
UPDATE events SET seats_taken = seats_taken + 1, position = :position WHERE id = :lower_eventId;

-- The end of the line (positions are dense, so the last one is the largest).
-- @on gatherings.waitlisted
INSERT INTO event_registrations (event_id, user_id, status, waitlist_position, registered_at, updated_at)
VALUES (
    :lower_eventId, :lower_userId, 'waitlisted',
    coalesce((SELECT max(waitlist_position) FROM event_registrations WHERE event_id = :lower_eventId), 0) + 1,
    (substr(:p_at, 1, 19) || 'Z'), (substr(:p_at, 1, 19) || 'Z')
)
ON CONFLICT (event_id, user_id) DO UPDATE SET
    status = 'waitlisted', waitlist_position = excluded.waitlist_position, registered_at = excluded.registered_at,
    updated_at = excluded.updated_at, sequence = sequence + 1;
UPDATE events SET waitlist_count = waitlist_count + 1, position = :position WHERE id = :lower_eventId;

-- @on gatherings.registration-cancelled
UPDATE event_registrations
SET status = 'cancelled', waitlist_position = NULL, updated_at = (substr(:p_at, 1, 19) || 'Z'), sequence = sequence + 1
WHERE event_id = :lower_eventId AND user_id = :lower_userId;
UPDATE events SET seats_taken = seats_taken - 1, position = :position WHERE id = :lower_eventId;

-- Leaving the waitlist or being promoted from it: everyone behind moves up one place (first,
-- while the leaver's row still holds their place), then the leaver's own row changes.
-- @on gatherings.waitlist-left gatherings.waitlist-promoted
UPDATE event_registrations
SET waitlist_position = waitlist_position - 1
WHERE event_id = :lower_eventId
  AND waitlist_position > (SELECT waitlist_position FROM event_registrations WHERE event_id = :lower_eventId AND user_id = :lower_userId);
UPDATE event_registrations
SET status = CASE :type WHEN 'gatherings.waitlist-promoted' THEN 'registered' ELSE 'cancelled' END,
    waitlist_position = NULL, updated_at = (substr(:p_at, 1, 19) || 'Z'), sequence = sequence + 1
WHERE event_id = :lower_eventId AND user_id = :lower_userId;
UPDATE events
SET waitlist_count = waitlist_count - 1,
    seats_taken = seats_taken + (CASE :type WHEN 'gatherings.waitlist-promoted' THEN 1 ELSE 0 END),
    position = :position
WHERE id = :lower_eventId;

-- @on gatherings.event-cancelled
UPDATE events
SET cancelled = 1, cancelled_at = (substr(:p_at, 1, 19) || 'Z'), cancel_reason = :p_reason,
    sequence = sequence + 1, position = :position
WHERE id = :lower_eventId;

-- Indexes only queries use: a build creates them once its rows are in (see audit.sql).
-- @indexes
CREATE INDEX event_registrations_by_user ON event_registrations (user_id, event_id);
