-- Communities, behind GET /communities?category=&country=&q=, GET /communities/{id},
-- GET /communities/{id}/members and GET /communities/{id}/posts (Swift: CommunityQueries).
-- Events: Sources/Domain/Communities (stream `community-<id>`). Ids are lowercase UUID strings;
-- times are ISO 8601 UTC to the second, `2026-11-24T18:00:00Z` (the contract's form), so they
-- sort as text and go out as they are. The codec writes every date as `YYYY-MM-DDTHH:MM:SS.sssZ`
-- (EventCodec): its first 19 characters and 'Z' are that form, as strftime('%Y-%m-%dT%H:%M:%SZ', …)
-- gives it at several times the cost (0.2 CPU-s of a rebuild of 1M events here and in events.sql).

-- @schema
CREATE TABLE communities (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL COLLATE NOCASE,
    description      TEXT,
    category         TEXT NOT NULL,              -- academic, professional, country, interest, skill
    country_code     TEXT,                       -- ISO 3166-1, uppercase
    city             TEXT,
    is_private       INTEGER NOT NULL,           -- 1: joining takes an approved request
    owner_id         TEXT NOT NULL,
    member_count     INTEGER NOT NULL DEFAULT 0,
    post_count       INTEGER NOT NULL DEFAULT 0, -- posts not removed
    created_at       TEXT NOT NULL,
    last_activity_at TEXT NOT NULL,              -- creation, the last join or the last post
    position         INTEGER NOT NULL            -- the last event applied to the row
);
-- The list is alphabetical (a name never changes, so keyset cursors stay stable); each filter
-- has an index in that order so a page reads only the rows it returns.
CREATE INDEX communities_by_name ON communities (name, id);
CREATE INDEX communities_by_category ON communities (category, name, id);
CREATE INDEX communities_by_country ON communities (country_code, name, id);

CREATE TABLE community_members (
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    role         TEXT NOT NULL,                  -- owner, moderator, member
    joined_at    TEXT NOT NULL,
    PRIMARY KEY (community_id, user_id)
) WITHOUT ROWID;

-- Pending requests to join a private community.
CREATE TABLE community_join_requests (
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    PRIMARY KEY (community_id, user_id)
) WITHOUT ROWID;
CREATE INDEX community_join_requests_by_user ON community_join_requests (user_id, community_id);

CREATE TABLE community_bans (
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    banned_by    TEXT,
    banned_at    TEXT NOT NULL,
    PRIMARY KEY (community_id, user_id)
) WITHOUT ROWID;
CREATE INDEX community_bans_by_user ON community_bans (user_id, community_id);

-- Posts; a removed post stays (flagged) for its author's data export but is never listed.
CREATE TABLE community_posts (
    id           TEXT PRIMARY KEY,
    community_id TEXT NOT NULL,
    author_id    TEXT NOT NULL,
    title        TEXT,                           -- personal data: '[erased]' after an erasure + rebuild
    body         TEXT NOT NULL,                  -- personal data, likewise
    created_at   TEXT NOT NULL,
    removed      INTEGER NOT NULL DEFAULT 0,
    removed_by   TEXT,
    removed_at   TEXT,
    position     INTEGER NOT NULL
);

-- @on communities.community-created
INSERT INTO communities (
    id, name, description, category, country_code, city, is_private, owner_id, member_count,
    created_at, last_activity_at, position
) VALUES (
    :lower_communityId, :p_name, :p_description, :p_category, :p_countryCode, :p_city, :p_isPrivate,
    :lower_ownerId, 1, (substr(:p_at, 1, 19) || 'Z'), (substr(:p_at, 1, 19) || 'Z'), :position
);
INSERT INTO community_members (community_id, user_id, role, joined_at)
VALUES (:lower_communityId, :lower_ownerId, 'owner', (substr(:p_at, 1, 19) || 'Z'));

-- A public join, or an approved request: the request (if any) becomes a membership.
-- @on communities.member-joined communities.join-approved
DELETE FROM community_join_requests WHERE community_id = :lower_communityId AND user_id = :lower_userId;
INSERT INTO community_members (community_id, user_id, role, joined_at)
VALUES (:lower_communityId, :lower_userId, 'member', (substr(:p_at, 1, 19) || 'Z'));
UPDATE communities
SET member_count = member_count + 1, last_activity_at = (substr(:p_at, 1, 19) || 'Z'), position = :position
WHERE id = :lower_communityId;

-- @on communities.join-requested
INSERT INTO community_join_requests (community_id, user_id, requested_at)
VALUES (:lower_communityId, :lower_userId, (substr(:p_at, 1, 19) || 'Z'));

-- @on communities.join-rejected
DELETE FROM community_join_requests WHERE community_id = :lower_communityId AND user_id = :lower_userId;

-- changes(): the rows the DELETE removed, so a leave of someone who is not a member counts nothing.
-- @on communities.member-left
DELETE FROM community_members WHERE community_id = :lower_communityId AND user_id = :lower_userId;
UPDATE communities SET member_count = member_count - changes(), position = :position WHERE id = :lower_communityId;

-- @on communities.ownership-transferred
UPDATE community_members SET role = 'member' WHERE community_id = :lower_communityId AND user_id = :lower_from;
UPDATE community_members SET role = 'owner' WHERE community_id = :lower_communityId AND user_id = :lower_to;
UPDATE communities SET owner_id = :lower_to, position = :position WHERE id = :lower_communityId;

-- @on communities.moderator-appointed
UPDATE community_members SET role = 'moderator' WHERE community_id = :lower_communityId AND user_id = :lower_userId;

-- @on communities.post-published
INSERT INTO community_posts (id, community_id, author_id, title, body, created_at, position)
VALUES (
    :lower_postId, :lower_communityId, :lower_authorId, :p_title, :p_body,
    (substr(:p_at, 1, 19) || 'Z'), :position
);
UPDATE communities
SET post_count = post_count + 1, last_activity_at = (substr(:p_at, 1, 19) || 'Z'), position = :position
WHERE id = :lower_communityId;

-- The count first, while the post still says whether it was already removed.
-- @on communities.post-removed
UPDATE communities
SET post_count = post_count - (SELECT count(*) FROM community_posts WHERE id = :lower_postId AND removed = 0),
    position = :position
WHERE id = :lower_communityId;
UPDATE community_posts
SET removed = 1, removed_by = :lower_removedBy, removed_at = (substr(:p_at, 1, 19) || 'Z'), position = :position
WHERE id = :lower_postId;

-- A ban removes the membership (if any) and any pending request; the user cannot come back.
-- @on communities.member-banned
UPDATE communities
SET member_count = member_count - (
        SELECT count(*) FROM community_members WHERE community_id = :lower_communityId AND user_id = :lower_userId
    ),
    position = :position
WHERE id = :lower_communityId;
DELETE FROM community_members WHERE community_id = :lower_communityId AND user_id = :lower_userId;
DELETE FROM community_join_requests WHERE community_id = :lower_communityId AND user_id = :lower_userId;
INSERT OR REPLACE INTO community_bans (community_id, user_id, banned_by, banned_at)
VALUES (:lower_communityId, :lower_userId, :lower_by, (substr(:p_at, 1, 19) || 'Z'));

-- Indexes only queries use: a build creates them once its rows are in (see audit.sql).
-- @indexes
CREATE INDEX community_members_by_joined ON community_members (community_id, joined_at, user_id);
CREATE INDEX community_members_by_user ON community_members (user_id, community_id);
-- Posts newest first within a community, removed posts out of the way.
CREATE INDEX community_posts_by_community ON community_posts (community_id, removed, created_at, id);
CREATE INDEX community_posts_by_author ON community_posts (author_id, created_at, id);
