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
        "ProfileUpdate": .object([
            "firstName": .text, "lastName": .text, "bio": .text,
            "currentEducationLevel": .oneOf(EducationLevel.self), "fieldOfStudy": .text,
            "careerGoals": .array(.text), "interests": .array(.text),
            "languages": .array(.object(["code": .text, "level": .oneOf(LanguageLevel.self)], required: ["code", "level"])),
            "skills": .array(.object(["name": .text, "level": .oneOf(SkillLevel.self)], required: ["name"])),
            "experience": .array(.object([
                "title": .text, "organization": .text, "startDate": .text, "endDate": .text, "description": .text,
            ], required: ["title"])),
            "countryCode": .text, "city": .text,
        ]),
        "Preferences": .object([
            "language": .oneOf(PreferredLanguage.self), "profileVisibility": .oneOf(ProfileVisibility.self),
            "notifications": .object(["email": .boolean]),
        ]),
    ]
}
