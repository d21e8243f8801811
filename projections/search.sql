-- Full-text search over people, mentors, communities, posts, events and scholarships (issue #5),
-- behind GET /users/search, /communities?q=, /events?q=, /scholarships?q= and the chat. Queries:
-- Sources/ReadModels/Discovery/Search*.swift.
--
-- One document per searchable item in `docs` (integer `doc`, also the rowid of its `search` row),
-- its text in `search_text`, indexed by the FTS5 table `search` (external content: columns kind,
-- title, body; bm25 weights 0, 10, 1), and
-- every filterable attribute as a (facet, value) row of `tags` (country, field, level, role,
-- category, type, language). A tag value '*' means "no restriction" (a scholarship open to every
-- country matches any country filter). Facts that several events build up (a person's name,
-- profile, visibility; a mentor's profile) live in `people` and `mentor_profiles`; triggers note
-- whose facts changed and the end of each batch turns them into documents, so each event section
-- only records its facts.
--
-- Personal data: names, bios and posts are revealed or '[erased]'. An erased account removes
-- every document that holds its data (person, mentor, its posts) at once; a rebuild never
-- indexes them.

-- @schema
CREATE TABLE docs (
    doc        INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,                  -- person, mentor, community, post, event, scholarship
    ref        TEXT NOT NULL,                  -- the item's id, lowercase UUID
    title      TEXT NOT NULL,
    summary    TEXT,                           -- one line shown under the title
    owner      TEXT,                           -- whose personal data the document holds
    community  TEXT,                           -- posts: their community
    private    INTEGER NOT NULL DEFAULT 0,     -- communities and their posts: members only
    visibility TEXT NOT NULL DEFAULT 'public', -- people and mentors: public, members, private
    date       TEXT,                           -- events: start; scholarships: deadline; posts: publication (ISO 8601)
    online     INTEGER,                        -- events
    closed     INTEGER NOT NULL DEFAULT 0,     -- closed scholarship, cancelled event
    sort_key   TEXT NOT NULL,                  -- order of a list without text query
    UNIQUE (kind, ref)
);
CREATE INDEX docs_by_owner ON docs (owner);

-- The full-text index reads its text from `search_text`. A build fills only `search_text` and
-- indexes it in one pass once its rows are in (`-- @indexes`: FTS5's 'rebuild', then the triggers
-- that keep the index current for the live model): indexing each document once, not at each of its
-- edits with a deletion of the previous text, took this projection's rebuild of 1M events of
-- platform activity from 14.0-14.5 to 13.1 CPU-s (the full-text writes were ~3 s of it).
CREATE TABLE search_text (
    doc   INTEGER PRIMARY KEY,
    kind  TEXT NOT NULL,
    title TEXT NOT NULL,
    body  TEXT NOT NULL
);
-- A prefix index of two characters makes type-ahead on two letters a lookup ('dakar ma*': 7 ms
-- with it, 20 ms without, 205,000 documents); one of three characters measured no faster than
-- scanning the terms (14 against 15 ms for 'ing*') and cost a third of the one-pass index (1.34
-- against 0.99 s of user time in the `sqlite3` shell; file 148 against 109 MB).
CREATE VIRTUAL TABLE search USING fts5 (kind, title, body, content = 'search_text', content_rowid = 'doc',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2');
-- FTS5 merges its segments a little at many writes (automerge 4) or, from 16 segments at a level, in
-- larger steps: with 4, some live commits merged for ~10 ms (catch-up p99 10.8 ms on a log of new
-- items, 1.4 ms with 16); searches after a rebuild measured the same.
INSERT INTO search (search, rank) VALUES ('automerge', 16);
-- FTS5 buffers terms in memory up to 'hashsize' before writing a segment (1 MiB by default): with 16
-- MiB, the one-pass index of a build's 205,000 documents (1M events) writes a sixteenth of the
-- segments and merges far less: 1.21 s of user time against 1.76 s, a file 8 % smaller (`sqlite3`
-- shell). A live batch's transaction holds far less than either.
INSERT INTO search (search, rank) VALUES ('hashsize', 16777216);

-- What the batch being applied does to `search_text`: the document's new text, or a removal (kind
-- NULL). Written to `search_text` once, at the end of the batch (`-- @after-batch`), and emptied:
-- for a live model its triggers write `search` there, in two statements. FTS5 writes
-- its buffered terms to disk at every statement savepoint that follows one of its writes in the
-- transaction; writing it per event made a new index segment per event and cost 4x more.
CREATE TABLE search_pending (
    doc   INTEGER PRIMARY KEY,
    kind  TEXT,
    title TEXT,
    body  TEXT
);

CREATE TABLE tags (
    doc   INTEGER NOT NULL,
    facet TEXT NOT NULL,
    value TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (doc, facet, value)
) WITHOUT ROWID;

-- Members of communities, to show the posts of a private community to its members only.
CREATE TABLE members (
    community_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    PRIMARY KEY (community_id, user_id)
) WITHOUT ROWID;

CREATE TABLE communities (
    id          TEXT PRIMARY KEY,
    private     INTEGER NOT NULL
);

CREATE TABLE people (
    user_id    TEXT PRIMARY KEY,
    first_name TEXT NOT NULL DEFAULT '',
    last_name  TEXT NOT NULL DEFAULT '',
    role       TEXT,
    country    TEXT,
    city       TEXT,
    field      TEXT,
    level      TEXT,
    bio        TEXT,
    skills     TEXT,                 -- names, space separated
    interests  TEXT,
    goals      TEXT,
    visibility TEXT NOT NULL DEFAULT 'public',
    erased     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE mentor_profiles (
    mentor_id  TEXT PRIMARY KEY,
    expertise  TEXT NOT NULL,        -- JSON array
    languages  TEXT NOT NULL,        -- JSON array of ISO 639 codes
    verified   INTEGER NOT NULL DEFAULT 0
);

-- People and mentors whose facts changed in the batch being applied: their documents' text and
-- tags are rebuilt once, at the end of the batch, for all of them together. A new account
-- changes its person two or three times in a few events (registration, profile, preferences);
-- rebuilding the document at each change, row by row in a trigger, was a third of this
-- projection's time. The triggers still create each document (empty until the end of the batch,
-- which no reader sees) at the event that first needs it, so documents are numbered in the order
-- of the log whatever the batches: a rebuild numbers them as the live model did.
CREATE TABLE people_changed (
    user_id TEXT PRIMARY KEY,
    tags    INTEGER NOT NULL             -- role, country, field or level changed
) WITHOUT ROWID;
CREATE TABLE mentors_changed (
    mentor_id TEXT PRIMARY KEY
) WITHOUT ROWID;

CREATE TRIGGER people_indexed AFTER UPDATE ON people WHEN NEW.erased = 0 BEGIN
    INSERT INTO docs (kind, ref, title, owner, visibility, sort_key)
    VALUES ('person', NEW.user_id, '', NEW.user_id, NEW.visibility, '')
    ON CONFLICT (kind, ref) DO NOTHING;
    INSERT INTO people_changed (user_id, tags)
    VALUES (NEW.user_id,
            NEW.role IS NOT OLD.role OR NEW.country IS NOT OLD.country OR NEW.field IS NOT OLD.field OR NEW.level IS NOT OLD.level)
    ON CONFLICT (user_id) DO UPDATE SET tags = tags OR excluded.tags;
    -- A mentor's document carries the person's name, visibility and country.
    UPDATE mentor_profiles SET verified = verified
    WHERE (NEW.first_name IS NOT OLD.first_name OR NEW.last_name IS NOT OLD.last_name OR NEW.visibility IS NOT OLD.visibility
           OR NEW.country IS NOT OLD.country)
      AND mentor_id = NEW.user_id;
END;

CREATE TRIGGER mentor_indexed AFTER UPDATE ON mentor_profiles BEGIN
    INSERT INTO docs (kind, ref, title, owner, visibility, sort_key)
    SELECT 'mentor', p.user_id, '', p.user_id, p.visibility, '' FROM people p WHERE p.user_id = NEW.mentor_id AND p.erased = 0
    ON CONFLICT (kind, ref) DO NOTHING;
    INSERT OR IGNORE INTO mentors_changed (mentor_id) VALUES (NEW.mentor_id);
END;

-- Erasure: every document holding the person's data goes, with its text and tags.
CREATE TRIGGER people_erased AFTER UPDATE OF erased ON people WHEN NEW.erased = 1 BEGIN
    INSERT OR REPLACE INTO search_pending (doc) SELECT doc FROM docs WHERE owner = NEW.user_id;
    DELETE FROM tags WHERE doc IN (SELECT doc FROM docs WHERE owner = NEW.user_id);
    DELETE FROM docs WHERE owner = NEW.user_id;
END;

-- @on identity.account-registered
INSERT INTO people (user_id) VALUES (:lower_userId) ON CONFLICT (user_id) DO NOTHING;
UPDATE people SET first_name = :p_firstName, last_name = :p_lastName, role = :p_role, country = upper(:p_countryCode),
    city = :p_city
WHERE user_id = :lower_userId;

-- @on identity.role-changed
UPDATE people SET role = :p_role WHERE user_id = :lower_userId;

-- @on identity.account-erased
UPDATE people SET erased = 1, first_name = '[erased]', last_name = '[erased]', bio = NULL, city = NULL
WHERE user_id = :lower_userId;

-- Only the fields present changed; '' or [] clears.
-- @on profiles.profile-updated
INSERT INTO people (user_id) VALUES (:lower_userId) ON CONFLICT (user_id) DO NOTHING;
UPDATE people SET
    first_name = coalesce(:p_firstName, first_name),
    last_name = coalesce(:p_lastName, last_name),
    bio = CASE WHEN :json_bio IS NULL THEN bio ELSE nullif(:p_bio, '') END,
    field = CASE WHEN :json_fieldOfStudy IS NULL THEN field ELSE nullif(:p_fieldOfStudy, '') END,
    level = coalesce(:p_currentEducationLevel, level),
    country = CASE WHEN :json_countryCode IS NULL THEN country ELSE nullif(upper(:p_countryCode), '') END,
    city = CASE WHEN :json_city IS NULL THEN city ELSE nullif(:p_city, '') END,
    skills = CASE WHEN :json_skills IS NULL THEN skills
        ELSE (SELECT group_concat(json_extract(value, '$.name'), ' ') FROM json_each(:json_skills)) END,
    interests = CASE WHEN :json_interests IS NULL THEN interests
        ELSE (SELECT group_concat(value, ' ') FROM json_each(:json_interests)) END,
    goals = CASE WHEN :json_careerGoals IS NULL THEN goals
        ELSE (SELECT group_concat(value, ' ') FROM json_each(:json_careerGoals)) END
WHERE user_id = :lower_userId;

-- @on profiles.preferences-changed
UPDATE people SET visibility = coalesce(:p_profileVisibility, visibility) WHERE user_id = :lower_userId;

-- @on mentoring.mentor-registered mentoring.mentor-profile-updated
INSERT INTO mentor_profiles (mentor_id, expertise, languages) VALUES (:lower_mentorId, '[]', '[]')
ON CONFLICT (mentor_id) DO NOTHING;
UPDATE mentor_profiles SET expertise = :p_expertiseAreas, languages = :p_languages WHERE mentor_id = :lower_mentorId;

-- @on mentoring.mentor-verified
UPDATE mentor_profiles SET verified = 1 WHERE mentor_id = :lower_mentorId;

-- @on communities.community-created
INSERT OR REPLACE INTO communities (id, private) VALUES (:lower_communityId, :p_isPrivate);
INSERT OR IGNORE INTO members (community_id, user_id) VALUES (:lower_communityId, :lower_ownerId);
INSERT INTO docs (kind, ref, title, summary, community, private, sort_key)
VALUES ('community', :lower_communityId, :p_name, :p_description, :lower_communityId, :p_isPrivate, :lower_name)
ON CONFLICT (kind, ref) DO NOTHING;
INSERT OR REPLACE INTO search_pending (doc, kind, title, body)
SELECT doc, 'community', title, coalesce(summary, '') || ' ' || :p_category || ' ' || coalesce(:p_city, '')
FROM docs WHERE kind = 'community' AND ref = :lower_communityId;
INSERT OR IGNORE INTO tags (doc, facet, value)
SELECT doc, 'category', :p_category FROM docs WHERE kind = 'community' AND ref = :lower_communityId
UNION ALL SELECT doc, 'country', upper(:p_countryCode) FROM docs
    WHERE kind = 'community' AND ref = :lower_communityId AND :p_countryCode IS NOT NULL;

-- @on communities.member-joined communities.join-approved
INSERT OR IGNORE INTO members (community_id, user_id) VALUES (:lower_communityId, :lower_userId);

-- @on communities.member-left communities.member-banned
DELETE FROM members WHERE community_id = :lower_communityId AND user_id = :lower_userId;

-- @on communities.post-published
INSERT INTO docs (kind, ref, title, summary, owner, community, private, date, sort_key)
SELECT 'post', :lower_postId, coalesce(nullif(:p_title, ''), substr(:p_body, 1, 80)), substr(:p_body, 1, 200), :lower_authorId,
       :lower_communityId, coalesce((SELECT private FROM communities WHERE id = :lower_communityId), 0), :p_at,
       printf('%012d', 99999999999 - CAST(strftime('%s', :p_at) AS INTEGER))
WHERE true
ON CONFLICT (kind, ref) DO NOTHING;
INSERT OR REPLACE INTO search_pending (doc, kind, title, body)
SELECT doc, 'post', coalesce(:p_title, ''), :p_body FROM docs WHERE kind = 'post' AND ref = :lower_postId;

-- @on communities.post-removed
INSERT OR REPLACE INTO search_pending (doc) SELECT doc FROM docs WHERE kind = 'post' AND ref = :lower_postId;
DELETE FROM docs WHERE kind = 'post' AND ref = :lower_postId;

-- @on gatherings.event-created
INSERT INTO docs (kind, ref, title, summary, date, online, sort_key)
VALUES ('event', :lower_eventId, :p_title, :p_description, :p_startDate, :p_isOnline, :p_startDate)
ON CONFLICT (kind, ref) DO NOTHING;
INSERT OR REPLACE INTO search_pending (doc, kind, title, body)
SELECT doc, 'event', title, coalesce(summary, '') || ' ' || :p_eventType || ' ' || coalesce(:p_location, '')
FROM docs WHERE kind = 'event' AND ref = :lower_eventId;
INSERT OR IGNORE INTO tags (doc, facet, value)
SELECT doc, 'type', :p_eventType FROM docs WHERE kind = 'event' AND ref = :lower_eventId;

-- @on gatherings.event-cancelled
UPDATE docs SET closed = 1 WHERE kind = 'event' AND ref = :lower_eventId;

-- @on scholarships.scholarship-created scholarships.scholarship-updated
INSERT INTO docs (kind, ref, title, summary, date, sort_key)
VALUES ('scholarship', :lower_scholarshipId, :p_title, :p_provider, :p_deadline, :p_deadline)
ON CONFLICT (kind, ref) DO UPDATE SET title = excluded.title, summary = excluded.summary, date = excluded.date,
    sort_key = excluded.sort_key;
INSERT OR REPLACE INTO search_pending (doc, kind, title, body)
SELECT doc, 'scholarship', title, :p_description || ' ' || :p_provider || ' '
    || coalesce((SELECT group_concat(value, ' ') FROM json_each(:json_eligibility, '$.fieldsOfStudy')), '') || ' '
    || coalesce((SELECT group_concat(value, ' ') FROM json_each(:json_eligibility, '$.preferences')), '') || ' '
    || coalesce((SELECT group_concat(value, ' ') FROM json_each(:json_eligibility, '$.requirements')), '')
FROM docs WHERE kind = 'scholarship' AND ref = :lower_scholarshipId;
DELETE FROM tags WHERE doc = (SELECT doc FROM docs WHERE kind = 'scholarship' AND ref = :lower_scholarshipId);
INSERT OR IGNORE INTO tags (doc, facet, value)
SELECT d.doc, t.facet, t.value FROM docs d, (
    SELECT 'country' AS facet, value FROM json_each(:json_eligibility, '$.countries')
    UNION ALL SELECT 'country', '*' WHERE coalesce(json_array_length(:json_eligibility, '$.countries'), 0) = 0
    UNION ALL SELECT 'level', value FROM json_each(:json_eligibility, '$.educationLevels')
    UNION ALL SELECT 'level', '*' WHERE coalesce(json_array_length(:json_eligibility, '$.educationLevels'), 0) = 0
    UNION ALL SELECT 'field', value FROM json_each(:json_eligibility, '$.fieldsOfStudy')
    UNION ALL SELECT 'field', '*' WHERE coalesce(json_array_length(:json_eligibility, '$.fieldsOfStudy'), 0) = 0
) t
WHERE d.kind = 'scholarship' AND d.ref = :lower_scholarshipId;

-- @on scholarships.scholarship-closed
UPDATE docs SET closed = 1 WHERE kind = 'scholarship' AND ref = :lower_scholarshipId;

-- @after-batch
-- People: a person's document holds the name, the field as its summary, and the profile as its text.
UPDATE docs SET (title, summary, visibility, sort_key) = (
    SELECT trim(p.first_name || ' ' || p.last_name), p.field, p.visibility, lower(trim(p.first_name || ' ' || p.last_name))
    FROM people p WHERE p.user_id = docs.ref)
WHERE kind = 'person' AND ref IN (SELECT user_id FROM people_changed);
INSERT OR REPLACE INTO search_pending (doc, kind, title, body)
SELECT d.doc, 'person', d.title, coalesce(p.field, '') || ' ' || coalesce(p.bio, '') || ' ' || coalesce(p.skills, '') || ' '
    || coalesce(p.interests, '') || ' ' || coalesce(p.goals, '') || ' ' || coalesce(p.city, '')
FROM people_changed c CROSS JOIN docs d ON d.kind = 'person' AND d.ref = c.user_id CROSS JOIN people p ON p.user_id = c.user_id;
-- Tags only when one of their values changed (most edits are of the bio, skills, interests).
DELETE FROM tags WHERE doc IN (
    SELECT d.doc FROM people_changed c CROSS JOIN docs d ON d.kind = 'person' AND d.ref = c.user_id WHERE c.tags);
INSERT OR IGNORE INTO tags (doc, facet, value)
SELECT doc, facet, value FROM (
    SELECT d.doc, f.facet,
           CASE f.facet WHEN 'role' THEN p.role WHEN 'country' THEN p.country WHEN 'field' THEN p.field ELSE p.level END AS value
    FROM people_changed c CROSS JOIN docs d ON d.kind = 'person' AND d.ref = c.user_id CROSS JOIN people p ON p.user_id = c.user_id,
        (SELECT 'role' AS facet UNION ALL SELECT 'country' UNION ALL SELECT 'field' UNION ALL SELECT 'level') f
    WHERE c.tags)
WHERE value IS NOT NULL AND value <> '';
DELETE FROM people_changed;

-- Mentors: the name and the expertise only (recommendations match expertise against the text).
UPDATE docs SET (title, summary, visibility, sort_key) = (
    SELECT trim(p.first_name || ' ' || p.last_name), (SELECT group_concat(value, ', ') FROM json_each(m.expertise)), p.visibility,
           lower(trim(p.first_name || ' ' || p.last_name))
    FROM people p CROSS JOIN mentor_profiles m ON m.mentor_id = p.user_id WHERE p.user_id = docs.ref)
WHERE kind = 'mentor' AND ref IN (SELECT mentor_id FROM mentors_changed);
INSERT OR REPLACE INTO search_pending (doc, kind, title, body)
SELECT d.doc, 'mentor', d.title, coalesce(d.summary, '')
FROM mentors_changed c CROSS JOIN docs d ON d.kind = 'mentor' AND d.ref = c.mentor_id;
DELETE FROM tags WHERE doc IN (SELECT d.doc FROM mentors_changed c CROSS JOIN docs d ON d.kind = 'mentor' AND d.ref = c.mentor_id);
INSERT OR IGNORE INTO tags (doc, facet, value)
SELECT d.doc, 'field', e.value FROM mentors_changed c CROSS JOIN docs d ON d.kind = 'mentor' AND d.ref = c.mentor_id
    CROSS JOIN mentor_profiles m ON m.mentor_id = c.mentor_id, json_each(m.expertise) e
UNION ALL SELECT d.doc, 'language', l.value FROM mentors_changed c CROSS JOIN docs d ON d.kind = 'mentor' AND d.ref = c.mentor_id
    CROSS JOIN mentor_profiles m ON m.mentor_id = c.mentor_id, json_each(m.languages) l
UNION ALL SELECT d.doc, 'country', p.country FROM mentors_changed c CROSS JOIN docs d ON d.kind = 'mentor' AND d.ref = c.mentor_id
    CROSS JOIN people p ON p.user_id = c.mentor_id WHERE p.country IS NOT NULL
UNION ALL SELECT d.doc, 'verified', CASE m.verified WHEN 1 THEN 'true' ELSE 'false' END
    FROM mentors_changed c CROSS JOIN docs d ON d.kind = 'mentor' AND d.ref = c.mentor_id
    CROSS JOIN mentor_profiles m ON m.mentor_id = c.mentor_id;
DELETE FROM mentors_changed;

-- The documents' text, written once per batch (an upsert, not a REPLACE: a REPLACE deletes
-- without firing the trigger that takes the old text out of the index).
DELETE FROM search_text WHERE doc IN (SELECT doc FROM search_pending WHERE kind IS NULL);
INSERT INTO search_text (doc, kind, title, body) SELECT doc, kind, title, body FROM search_pending WHERE kind IS NOT NULL
ON CONFLICT (doc) DO UPDATE SET kind = excluded.kind, title = excluded.title, body = excluded.body;
DELETE FROM search_pending;

-- Indexes only queries use, and the full-text index: a build creates them once its rows are in
-- (see audit.sql).
-- @indexes
CREATE INDEX docs_by_kind_sort ON docs (kind, sort_key, doc);
CREATE INDEX tags_by_value ON tags (facet, value, doc);
INSERT INTO search (search) VALUES ('rebuild');
-- From here on (the live model) each change of `search_text` moves the index: the old text out
-- (FTS5 needs it to find the terms to remove), the new one in.
CREATE TRIGGER search_text_added AFTER INSERT ON search_text BEGIN
    INSERT INTO search (rowid, kind, title, body) VALUES (NEW.doc, NEW.kind, NEW.title, NEW.body);
END;
CREATE TRIGGER search_text_changed AFTER UPDATE ON search_text BEGIN
    INSERT INTO search (search, rowid, kind, title, body) VALUES ('delete', OLD.doc, OLD.kind, OLD.title, OLD.body);
    INSERT INTO search (rowid, kind, title, body) VALUES (NEW.doc, NEW.kind, NEW.title, NEW.body);
END;
CREATE TRIGGER search_text_removed AFTER DELETE ON search_text BEGIN
    INSERT INTO search (search, rowid, kind, title, body) VALUES ('delete', OLD.doc, OLD.kind, OLD.title, OLD.body);
END;
