-- Analytics: counters an operator reads to answer "how is the platform doing" from SQL alone, and
-- behind the admin overview (Swift: AnalyticsQueries). No personal data: only ids, roles, country
-- codes and counts (so an erasure needs no rebuild here). Tables and example queries:
-- docs/analytics.md.
--
-- Buckets come from the domain time in the payload (`at`, `registeredAt`), not the log time:
-- `day` is `YYYY-MM-DD` (UTC), `week` the ISO 8601 week `YYYY-Www` (weeks start on Monday; the
-- week's year is its Thursday's), `month` is `YYYY-MM`. They sort as text.

-- @schema
CREATE TABLE signups_daily (
    day          TEXT NOT NULL,
    country_code TEXT NOT NULL,                  -- '' when the user gave none
    role         TEXT NOT NULL,                  -- the role chosen at sign-up
    signups      INTEGER NOT NULL,
    PRIMARY KEY (day, country_code, role)
) WITHOUT ROWID;

-- Sign-ups by the ISO week of registration and country (the console's "per week by country" chart;
-- `signups_daily` answers per day).
CREATE TABLE signups_weekly (
    week         TEXT NOT NULL,
    country_code TEXT NOT NULL,                  -- '' when the user gave none
    signups      INTEGER NOT NULL,
    PRIMARY KEY (week, country_code)
) WITHOUT ROWID;

CREATE TABLE identity_daily (
    day             TEXT PRIMARY KEY,
    logins          INTEGER NOT NULL DEFAULT 0,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    lockouts        INTEGER NOT NULL DEFAULT 0,
    emails_verified INTEGER NOT NULL DEFAULT 0,
    accounts_erased INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Who logged in at least once that day (for daily active users).
CREATE TABLE active_users_daily (
    day     TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (day, user_id)
) WITHOUT ROWID;

-- Mentoring sessions, by the week each step happened in.
CREATE TABLE sessions_weekly (
    week       TEXT PRIMARY KEY,
    requested  INTEGER NOT NULL DEFAULT 0,
    accepted   INTEGER NOT NULL DEFAULT 0,
    declined   INTEGER NOT NULL DEFAULT 0,
    cancelled  INTEGER NOT NULL DEFAULT 0,
    started    INTEGER NOT NULL DEFAULT 0,
    completed  INTEGER NOT NULL DEFAULT 0,
    feedbacks  INTEGER NOT NULL DEFAULT 0,
    rating_sum INTEGER NOT NULL DEFAULT 0        -- sum of the 1-5 ratings given that week
) WITHOUT ROWID;

-- One row per event (gathering): cumulative counters; the views derive seats and fill rate.
CREATE TABLE event_stats (
    event_id                TEXT PRIMARY KEY,
    event_type              TEXT NOT NULL,
    start_date              TEXT NOT NULL,       -- YYYY-MM-DD
    capacity                INTEGER,             -- NULL: no limit
    registrations           INTEGER NOT NULL DEFAULT 0, -- direct registrations
    waitlisted              INTEGER NOT NULL DEFAULT 0, -- times someone joined the waitlist
    promoted                INTEGER NOT NULL DEFAULT 0, -- waitlist places turned into seats
    registrations_cancelled INTEGER NOT NULL DEFAULT 0,
    waitlist_left           INTEGER NOT NULL DEFAULT 0,
    cancelled               INTEGER NOT NULL DEFAULT 0  -- 1: the event was called off
) WITHOUT ROWID;
CREATE INDEX event_stats_by_start ON event_stats (start_date);

-- Community activity, by week and community.
CREATE TABLE community_weekly (
    week          TEXT NOT NULL,
    community_id  TEXT NOT NULL,
    created       INTEGER NOT NULL DEFAULT 0,    -- 1 in the week the community was created
    joins         INTEGER NOT NULL DEFAULT 0,    -- public joins and approved requests
    join_requests INTEGER NOT NULL DEFAULT 0,
    leaves        INTEGER NOT NULL DEFAULT 0,
    bans          INTEGER NOT NULL DEFAULT 0,
    posts         INTEGER NOT NULL DEFAULT 0,
    posts_removed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (week, community_id)
) WITHOUT ROWID;

CREATE TABLE scholarships_monthly (
    month   TEXT PRIMARY KEY,
    created INTEGER NOT NULL DEFAULT 0,
    closed  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Handy views (see docs/analytics.md).
CREATE VIEW signups_by_day AS
    SELECT day, sum(signups) AS signups,
           sum(CASE role WHEN 'student' THEN signups ELSE 0 END) AS students,
           sum(CASE role WHEN 'mentor' THEN signups ELSE 0 END) AS mentors
    FROM signups_daily GROUP BY day;

CREATE VIEW signups_by_country AS
    SELECT country_code, sum(signups) AS signups FROM signups_daily GROUP BY country_code;

CREATE VIEW logins_by_day AS
    SELECT i.day, i.logins, i.failed_logins, i.lockouts,
           (SELECT count(*) FROM active_users_daily a WHERE a.day = i.day) AS active_users
    FROM identity_daily i;

CREATE VIEW sessions_by_week AS
    SELECT week, requested, accepted, declined, cancelled, completed,
           round(1.0 * accepted / nullif(requested, 0), 3) AS acceptance_rate,
           round(1.0 * rating_sum / nullif(feedbacks, 0), 2) AS average_rating
    FROM sessions_weekly;

CREATE VIEW event_fill AS
    SELECT event_id, event_type, start_date, capacity, cancelled,
           registrations + promoted - registrations_cancelled AS seats_taken,
           waitlisted - promoted - waitlist_left AS waitlist_now,
           round(1.0 * (registrations + promoted - registrations_cancelled) / nullif(capacity, 0), 3) AS fill_rate
    FROM event_stats;

CREATE VIEW community_activity_by_week AS
    SELECT week, sum(created) AS communities_created, sum(joins) AS joins, sum(leaves) AS leaves,
           sum(posts) AS posts, sum(posts_removed) AS posts_removed, count(*) AS active_communities
    FROM community_weekly GROUP BY week;

CREATE VIEW platform_totals AS
    SELECT (SELECT coalesce(sum(signups), 0) FROM signups_daily) AS users_signed_up,
           (SELECT coalesce(sum(accounts_erased), 0) FROM identity_daily) AS accounts_erased,
           (SELECT coalesce(sum(logins), 0) FROM identity_daily) AS logins,
           (SELECT coalesce(sum(requested), 0) FROM sessions_weekly) AS sessions_requested,
           (SELECT coalesce(sum(completed), 0) FROM sessions_weekly) AS sessions_completed,
           (SELECT count(*) FROM event_stats) AS events,
           (SELECT coalesce(sum(registrations + promoted - registrations_cancelled), 0) FROM event_stats) AS seats_taken,
           (SELECT coalesce(sum(created), 0) FROM community_weekly) AS communities,
           (SELECT coalesce(sum(posts - posts_removed), 0) FROM community_weekly) AS posts,
           (SELECT coalesce(sum(created), 0) FROM scholarships_monthly) AS scholarships_created,
           (SELECT coalesce(sum(closed), 0) FROM scholarships_monthly) AS scholarships_closed;

-- @on identity.account-registered
INSERT INTO signups_daily (day, country_code, role, signups)
VALUES (substr(:p_registeredAt, 1, 10), coalesce(upper(:p_countryCode), ''), :p_role, 1)
ON CONFLICT (day, country_code, role) DO UPDATE SET signups = signups + 1;
INSERT INTO signups_weekly (week, country_code, signups)
VALUES (iso_week(:p_registeredAt), coalesce(upper(:p_countryCode), ''), 1)
ON CONFLICT (week, country_code) DO UPDATE SET signups = signups + 1;

-- @on identity.login-succeeded identity.login-failed identity.account-locked identity.email-verified identity.account-erased
INSERT INTO identity_daily (day, logins, failed_logins, lockouts, emails_verified, accounts_erased)
VALUES (
    substr(:p_at, 1, 10), :type = 'identity.login-succeeded', :type = 'identity.login-failed',
    :type = 'identity.account-locked', :type = 'identity.email-verified', :type = 'identity.account-erased'
)
ON CONFLICT (day) DO UPDATE SET
    logins = logins + excluded.logins, failed_logins = failed_logins + excluded.failed_logins,
    lockouts = lockouts + excluded.lockouts, emails_verified = emails_verified + excluded.emails_verified,
    accounts_erased = accounts_erased + excluded.accounts_erased;
INSERT OR IGNORE INTO active_users_daily (day, user_id)
SELECT substr(:p_at, 1, 10), :lower_userId WHERE :type = 'identity.login-succeeded';

-- The ISO week of `at`: iso_week() (Sources/ReadModels/ProjectionFunctions.swift) gives what
-- strftime('%Y', :p_at, '-6 days', 'weekday 1', '+3 days') || '-W' || printf('%02d',
-- (strftime('%j', :p_at, '-6 days', 'weekday 1', '+3 days') - 1) / 7 + 1) gives (back to the
-- week's Monday, then its Thursday holds the year and the week number), ~0.2 CPU-s less per 1M events.
-- @on mentoring.session-requested mentoring.session-accepted mentoring.session-declined mentoring.session-cancelled mentoring.session-started mentoring.session-completed mentoring.session-feedback-given
INSERT INTO sessions_weekly (week, requested, accepted, declined, cancelled, started, completed, feedbacks, rating_sum)
VALUES (
    iso_week(:p_at),
    :type = 'mentoring.session-requested', :type = 'mentoring.session-accepted', :type = 'mentoring.session-declined',
    :type = 'mentoring.session-cancelled', :type = 'mentoring.session-started', :type = 'mentoring.session-completed',
    :type = 'mentoring.session-feedback-given', coalesce(:p_rating, 0)
)
ON CONFLICT (week) DO UPDATE SET
    requested = requested + excluded.requested, accepted = accepted + excluded.accepted,
    declined = declined + excluded.declined, cancelled = cancelled + excluded.cancelled,
    started = started + excluded.started, completed = completed + excluded.completed,
    feedbacks = feedbacks + excluded.feedbacks, rating_sum = rating_sum + excluded.rating_sum;

-- @on gatherings.event-created
INSERT INTO event_stats (event_id, event_type, start_date, capacity)
VALUES (:lower_eventId, :p_eventType, substr(:p_startDate, 1, 10), :p_maxParticipants);

-- @on gatherings.registered gatherings.waitlisted gatherings.waitlist-promoted gatherings.registration-cancelled gatherings.waitlist-left gatherings.event-cancelled
UPDATE event_stats SET
    registrations = registrations + (:type = 'gatherings.registered'),
    waitlisted = waitlisted + (:type = 'gatherings.waitlisted'),
    promoted = promoted + (:type = 'gatherings.waitlist-promoted'),
    registrations_cancelled = registrations_cancelled + (:type = 'gatherings.registration-cancelled'),
    waitlist_left = waitlist_left + (:type = 'gatherings.waitlist-left'),
    cancelled = max(cancelled, :type = 'gatherings.event-cancelled')
WHERE event_id = :lower_eventId;

-- @on communities.community-created communities.member-joined communities.join-approved communities.join-requested communities.member-left communities.member-banned communities.post-published communities.post-removed
INSERT INTO community_weekly (week, community_id, created, joins, join_requests, leaves, bans, posts, posts_removed)
VALUES (
    iso_week(:p_at),
    :lower_communityId, :type = 'communities.community-created',
    :type IN ('communities.member-joined', 'communities.join-approved'), :type = 'communities.join-requested',
    :type = 'communities.member-left', :type = 'communities.member-banned',
    :type = 'communities.post-published', :type = 'communities.post-removed'
)
ON CONFLICT (week, community_id) DO UPDATE SET
    created = created + excluded.created, joins = joins + excluded.joins, join_requests = join_requests + excluded.join_requests,
    leaves = leaves + excluded.leaves, bans = bans + excluded.bans, posts = posts + excluded.posts,
    posts_removed = posts_removed + excluded.posts_removed;

-- @on scholarships.scholarship-created scholarships.scholarship-closed
INSERT INTO scholarships_monthly (month, created, closed)
VALUES (substr(:p_at, 1, 7), :type = 'scholarships.scholarship-created', :type = 'scholarships.scholarship-closed')
ON CONFLICT (month) DO UPDATE SET created = created + excluded.created, closed = closed + excluded.closed;
