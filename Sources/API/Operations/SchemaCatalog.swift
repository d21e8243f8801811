import Cryptography
import Domain
import EventLog
import EventSourcing
import Foundation
import Hummingbird
import Logging
import ReadModels

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
        "Preferences": .object([
            "language": .oneOf(PreferredLanguage.self), "profileVisibility": .oneOf(ProfileVisibility.self),
            "notifications": .object(["email": .boolean]),
        ]),
    ]
}
