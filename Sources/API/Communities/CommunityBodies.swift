import Domain

/// The body of `POST /communities`.
struct CreateCommunityBody: Decodable {
    var name: String
    var description: String?
    var category: String
    var countryCode: String?
    var city: String?
    var isPrivate: Bool

    /// The domain's details, with the category checked and named (the decider checks the rest).
    func details() throws(APIError) -> Communities.Details {
        Communities.Details(
            name: name, description: description, category: try enumField(category, "category", as: Communities.Category.self)!,
            countryCode: countryCode, city: city, isPrivate: isPrivate
        )
    }
}

/// The body of `POST /communities/{id}/posts`.
struct CreatePostBody: Decodable {
    var title: String?
    var body: String
}

/// `201 {communityId}`.
struct CommunityCreated: Encodable {
    var communityId: String
}

/// `201 {postId}`.
struct PostCreated: Encodable {
    var postId: String
}

/// The answer to a join: a member at once (public), or a pending request (private).
struct JoinAnswer: Encodable {
    enum Status: String, Encodable { case member, pending }
    var status: Status
}
