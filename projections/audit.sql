-- Audit index, behind GET /admin/audit: which stream, event type and actor, when → the position
-- of the event in the log (the log itself is the tamper-evident record; this only finds it fast).
-- One row per event of every type.

-- @schema
CREATE TABLE audit (
    position       INTEGER PRIMARY KEY,  -- the event's global position in the log
    stream         TEXT    NOT NULL,
    stream_version INTEGER NOT NULL,
    type           TEXT    NOT NULL,
    event_id       TEXT    NOT NULL,     -- lowercase UUID
    actor          TEXT,                 -- user id, 'system' or an operator; NULL when unknown
    time           TEXT    NOT NULL,     -- ISO 8601 UTC with milliseconds
    time_micros    INTEGER NOT NULL      -- microseconds since 1970, for ranges
);

-- @on *
INSERT INTO audit (position, stream, stream_version, type, event_id, actor, time, time_micros)
VALUES (:position, :stream, :version, :type, :eventId, :actor, :time, :timeMicros);

-- The handler only inserts, so a build creates these once its rows are in (sorting a million rows
-- once is cheaper than keeping four b-trees up to date row by row); live models have them.
-- @indexes
CREATE INDEX audit_by_stream ON audit (stream, position);
CREATE INDEX audit_by_type   ON audit (type, position);
CREATE INDEX audit_by_actor  ON audit (actor, position);
CREATE INDEX audit_by_time   ON audit (time_micros);
