-- Audit index, behind GET /admin/audit: which stream, event type and actor, when → the position
-- of the event in the log (the log itself is the tamper-evident record; this only finds it fast).
-- One row per event of every type, kept small (a million events make a million rows and two
-- index entries each): the event id and the stream version are in the log at that position, and the
-- time's text is made from `time_micros` when a page is read. Neither time nor stream has an index,
-- so that a rebuild does not sort a million rows once more for each: the log's times never decrease
-- with the position, so a time window is found by a binary search over positions
-- (`AuditQueries.firstPosition`), and the log keeps every stream's positions in memory
-- (`EventLog.positions(ofStream:)`), so a stream's rows are read by position.

-- @schema
CREATE TABLE audit (
    position       INTEGER PRIMARY KEY,  -- the event's global position in the log
    stream         TEXT    NOT NULL,
    type           TEXT    NOT NULL,
    actor          TEXT,                 -- user id, 'system' or an operator; NULL when unknown
    time_micros    INTEGER NOT NULL      -- microseconds since 1970 (the log's time)
);

-- @on *
INSERT INTO audit (position, stream, type, actor, time_micros)
VALUES (:position, :stream, :type, :actor, :timeMicros);

-- The handler only inserts, so a build creates these once its rows are in (sorting a million rows
-- once is cheaper than keeping two b-trees up to date row by row); live models have them.
-- @indexes
CREATE INDEX audit_by_type   ON audit (type, position);
CREATE INDEX audit_by_actor  ON audit (actor, position);
