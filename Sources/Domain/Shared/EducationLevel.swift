import Foundation

/// A level of education, as the contract spells it.
public enum EducationLevel: String, Codable, Sendable, Hashable, CaseIterable {
    case highSchool = "high_school"
    case bachelor, master, phd, professional
}
