import Domain

/// The named request and response schemas of the OpenAPI document.
enum SchemaCatalog {
    /// The account fields of `GET /users/profile`.
    static let accountProperties: [String: JSONSchema] = [
        "userId": .uuid, "email": .text, "role": .oneOf(Role.self), "emailVerified": .boolean,
        "status": .string(values: ["active", "erased"]), "registeredAt": .dateTime, "lastLoginAt": .dateTime,
        "twoFactorEnabled": .boolean,
    ]

    /// The profile fields, as `PUT /users/profile` takes them and the profile views return them.
    static let profileProperties: [String: JSONSchema] = [
        "firstName": .text, "lastName": .text, "bio": .text, "currentEducationLevel": .oneOf(EducationLevel.self),
        "fieldOfStudy": .text, "careerGoals": .array(.text), "interests": .array(.text),
        "languages": .array(.object(["code": .text, "level": .oneOf(LanguageLevel.self)], required: ["code", "level"])),
        "skills": .array(.object(["name": .text, "level": .oneOf(SkillLevel.self)], required: ["name"])),
        "experience": .array(.object([
            "title": .text, "organization": .text, "startDate": .text, "endDate": .text, "description": .text,
        ], required: ["title"])),
        "countryCode": .text, "city": .text,
        "avatar": .object(["contentHash": .text, "mediaType": .text], required: ["contentHash", "mediaType"]),
    ]

    static let all: [String: JSONSchema] = [
        "Problem": .object([
            "type": .text, "title": .text, "status": .integer(), "detail": .text,
            "errors": .array(.object(["field": .text, "message": .text], required: ["field", "message"])),
        ], required: ["type", "title", "status", "detail"]),
        "Money": .object(["amount": .string(format: "decimal"), "currency": .string(maxLength: 3)], required: ["amount", "currency"]),
        "TokenPair": .object([
            "accessToken": .text, "refreshToken": .text, "expiresIn": .integer(), "tokenType": .string(values: ["Bearer"]),
        ], required: ["accessToken", "refreshToken", "expiresIn", "tokenType"]),
        "RegisterRequest": .object([
            "email": .string(format: "email"), "password": .text, "firstName": .text, "lastName": .text,
            "role": .string(values: ["student", "mentor"]), "countryCode": .text, "city": .text,
        ], required: ["email", "password", "firstName", "lastName", "role"]),
        "ProfileUpdate": .object(profileProperties.filter { $0.key != "avatar" }),
        // The owner's view: account and profile fields side by side, plus preferences.
        "UserProfile": .object(
            accountProperties.merging(profileProperties) { $1 }.merging(["preferences": .ref("Preferences")]) { $1 },
            required: ["userId", "role", "emailVerified", "status", "registeredAt", "twoFactorEnabled", "preferences"]
        ),
        "PublicProfile": .object(
            profileProperties.merging(["userId": .uuid, "role": .oneOf(Role.self)]) { $1 }, required: ["userId", "role"]
        ),
        "Recommendation": .object([
            "id": .text, "kind": .text, "title": .text, "score": .number, "reasons": .array(.text),
            "nextSteps": .array(.object(["id": .text, "kind": .text, "title": .text], required: ["id", "kind", "title"])),
        ], required: ["id", "kind", "title", "score", "reasons"]),
        "SearchResults": .object([
            "items": .array(.object([
                "id": .text, "kind": .text, "title": .text, "summary": .text, "date": .text,
            ], required: ["id", "kind", "title"])),
            "nextCursor": .nullable(.text), "total": .integer(),
            "facets": .object([:]),
        ], required: ["items", "nextCursor", "facets"]),
        "Preferences": .object([
            "language": .oneOf(PreferredLanguage.self), "profileVisibility": .oneOf(ProfileVisibility.self),
            "notifications": .object(["email": .boolean]),
        ]),

        // Mentors, scholarships, admin operations (issue #7).
        "MentorApplication": .object([
            "expertiseAreas": .array(.text), "experienceYears": .integer(minimum: 0, maximum: 60), "hourlyRate": .money,
            "languages": .array(.text), "timeZone": .text,
            "availability": .array(.object(["day": .oneOf(Weekday.self), "start": .text, "end": .text], required: ["day", "start", "end"])),
        ], required: ["expertiseAreas", "experienceYears", "languages", "timeZone", "availability"]),
        "MentorRegistered": .object([
            "mentorId": .uuid, "status": .string(values: ["registered", "updated", "unchanged"]), "role": .oneOf(Role.self),
        ], required: ["mentorId", "status", "role"]),
        "Mentor": .object([
            "mentorId": .uuid, "name": .nullable(.text), "expertiseAreas": .array(.text), "experienceYears": .integer(),
            "hourlyRate": .nullable(.money), "languages": .array(.text), "timeZone": .text,
            "availability": .array(.object(["day": .oneOf(Weekday.self), "start": .text, "end": .text])), "verified": .boolean,
            "rating": .object(["average": .number, "count": .integer(), "sum": .integer()]),
            "sessions": .object(["requested": .integer(), "accepted": .integer(), "inProgress": .integer(), "completed": .integer(),
                                 "cancelled": .integer(), "declined": .integer()]),
        ], required: ["mentorId", "expertiseAreas", "languages", "timeZone", "availability", "verified", "rating"]),
        "SessionRequest": .object([
            "mentorId": .uuid, "title": .text, "description": .text, "scheduledAt": .dateTime,
            "durationMinutes": .integer(minimum: 15, maximum: 240),
        ], required: ["mentorId", "title", "scheduledAt", "durationMinutes"]),
        "SessionStatus": .object(["sessionId": .uuid, "status": .oneOf(Mentoring.SessionStatus.self)], required: ["sessionId", "status"]),
        "SessionReason": .object(["reason": .text]),
        "Session": .object([
            "id": .uuid, "mentorId": .uuid, "menteeId": .uuid, "title": .text, "description": .nullable(.text),
            "scheduledAt": .dateTime, "durationMinutes": .integer(), "endsAt": .dateTime, "status": .oneOf(Mentoring.SessionStatus.self),
            "reason": .nullable(.text),
            "feedback": .object(["mentor": .nullable(.ref("FeedbackGiven")), "mentee": .nullable(.ref("FeedbackGiven"))]),
            "createdAt": .dateTime, "updatedAt": .dateTime, "sequence": .integer(),
        ], required: ["id", "mentorId", "menteeId", "title", "scheduledAt", "durationMinutes", "endsAt", "status", "sequence"]),
        "Feedback": .object(["rating": .integer(minimum: 1, maximum: 5), "comment": .text], required: ["rating"]),
        "FeedbackGiven": .object(["rating": .integer(minimum: 1, maximum: 5), "comment": .nullable(.text)], required: ["rating"]),
        "CalendarEntry": .object([
            "uid": .text, "sessionId": .uuid, "sequence": .integer(), "status": .oneOf(Mentoring.SessionStatus.self),
            "start": .dateTime, "end": .dateTime, "title": .text, "description": .nullable(.text),
            "counterpart": .object(["userId": .uuid, "role": .string(values: ["mentor", "mentee"]), "name": .nullable(.text)]),
            "updatedAt": .dateTime,
        ], required: ["uid", "sessionId", "sequence", "status", "start", "end", "title"]),
        "ScholarshipInput": .object([
            "title": .text, "description": .text, "provider": .text, "amount": .money, "deadline": .dateTime,
            "applicationUrl": .string(format: "uri"), "applicationFee": .money, "eligibility": .ref("Eligibility"),
        ], required: ["title", "description", "provider", "deadline"]),
        "Eligibility": .object([
            "educationLevels": .array(.oneOf(EducationLevel.self)), "fieldsOfStudy": .array(.text), "countries": .array(.text),
            "requirements": .array(.text), "preferences": .array(.text),
        ]),
        "Scholarship": .object([
            "id": .uuid, "title": .text, "description": .text, "provider": .text, "amount": .nullable(.money),
            "applicationFee": .nullable(.money), "deadline": .dateTime, "applicationUrl": .nullable(.text),
            "eligibility": .ref("Eligibility"), "closed": .boolean, "open": .boolean, "closedAt": .nullable(.dateTime),
            "createdAt": .dateTime, "updatedAt": .dateTime,
        ], required: ["id", "title", "description", "provider", "deadline", "eligibility", "closed", "open"]),
        "AuditPage": .object([
            "items": .array(.object([
                "position": .integer(), "stream": .text, "type": .text, "actor": .nullable(.text), "time": .dateTime,
                "chain": .string(values: ["verified", "unverified", "broken"]),
            ], required: ["position", "stream", "type", "time", "chain"])),
            "nextCursor": .nullable(.text),
            "verification": .object([
                "intact": .boolean, "verifiedThrough": .integer(), "headChainHash": .text, "checkedAt": .dateTime,
                "firstBadPosition": .integer(), "fault": .text,
            ], required: ["intact", "verifiedThrough", "headChainHash", "checkedAt"]),
        ], required: ["items", "nextCursor", "verification"]),
        "ProjectionStatus": .object([
            "name": .text, "version": .text, "liveVersion": .nullable(.text), "checkpoint": .integer(), "head": .integer(),
            "lag": .integer(), "state": .string(values: ["idle", "catching-up", "running", "rebuilding", "failed"]),
            "lastError": .nullable(.object(["position": .integer(), "eventType": .text, "message": .text])),
        ], required: ["name", "version", "checkpoint", "head", "lag", "state"]),
        // Communities and events
        "CommunityCreate": .object([
            "name": .string(maxLength: 200), "description": .string(maxLength: 5000), "category": .oneOf(Communities.Category.self),
            "countryCode": .text, "city": .string(maxLength: 100), "isPrivate": .boolean,
        ], required: ["name", "category", "isPrivate"]),
        "Community": .object([
            "id": .uuid, "name": .text, "description": .nullable(.text), "category": .oneOf(Communities.Category.self),
            "countryCode": .nullable(.text), "city": .nullable(.text), "isPrivate": .boolean, "ownerId": .uuid,
            "memberCount": .integer(minimum: 0), "postCount": .integer(minimum: 0), "createdAt": .dateTime, "lastActivityAt": .dateTime,
            "viewerMembership": .string(values: ["none", "pending", "member", "moderator", "owner", "banned"]),
        ], required: ["id", "name", "category", "isPrivate", "ownerId", "memberCount", "postCount", "createdAt", "lastActivityAt"]),
        "PostCreate": .object(["title": .string(maxLength: 200), "body": .string(maxLength: 10_000)], required: ["body"]),
        "CommunityPost": .object([
            "id": .uuid, "communityId": .uuid, "authorId": .uuid, "title": .nullable(.text), "body": .text,
            "createdAt": .dateTime, "removed": .boolean,
        ], required: ["id", "communityId", "authorId", "body", "createdAt", "removed"]),
        "CommunityMember": .object([
            "userId": .uuid, "role": .string(values: ["owner", "moderator", "member"]), "joinedAt": .dateTime,
        ], required: ["userId", "role", "joinedAt"]),
        "EventCreate": .object([
            "title": .string(maxLength: 200), "description": .string(maxLength: 5000), "eventType": .oneOf(Gathering.Kind.self),
            "startDate": .dateTime, "endDate": .dateTime, "isOnline": .boolean, "location": .string(maxLength: 200),
            "meetingUrl": .string(format: "uri"), "maxParticipants": .integer(minimum: 1),
        ], required: ["title", "eventType", "startDate", "endDate", "isOnline"]),
        "EventRegistration": .object([
            "status": .string(values: ["registered", "waitlisted", "cancelled"]), "waitlistPosition": .integer(minimum: 1),
        ], required: ["status"]),
        "Event": .object([
            "id": .uuid, "title": .text, "description": .nullable(.text), "eventType": .oneOf(Gathering.Kind.self),
            "startDate": .dateTime, "endDate": .dateTime, "isOnline": .boolean, "location": .nullable(.text),
            "meetingUrl": .nullable(.text), "maxParticipants": .nullable(.integer(minimum: 1)), "creatorId": .nullable(.uuid),
            "cancelled": .boolean, "seatsTaken": .integer(minimum: 0), "seatsLeft": .nullable(.integer(minimum: 0)),
            "waitlistCount": .integer(minimum: 0), "createdAt": .dateTime, "viewerRegistration": .ref("EventRegistration"),
        ], required: ["id", "title", "eventType", "startDate", "endDate", "isOnline", "cancelled", "seatsTaken", "waitlistCount", "createdAt"]),
        "EventCalendarEntry": .object([
            "uid": .text, "sequence": .integer(minimum: 0), "status": .string(values: ["confirmed", "cancelled"]), "eventId": .uuid,
            "title": .text, "description": .nullable(.text), "start": .dateTime, "end": .dateTime, "location": .nullable(.text),
            "url": .nullable(.text), "updatedAt": .dateTime,
        ], required: ["uid", "sequence", "status", "eventId", "title", "start", "end", "updatedAt"]),
        "Notification": .object([
            "id": .text, "kind": .string(values: NotificationText.kinds), "title": .text, "body": .text, "createdAt": .dateTime,
            "readAt": .nullable(.dateTime), "link": .nullable(.text),
        ], required: ["id", "kind", "title", "body", "createdAt"]),
    ]
}
