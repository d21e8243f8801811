import Domain
import EventSourcing
import Foundation
import Logging
import ReadModels

/// What every community's live feed shares: the `Communities` event feed, read-your-writes and the
/// server's logger. The controller makes one `CommunityLiveFeed` per client from it.
struct CommunityLiveFeeds: Sendable {
    let feed: EventFeed<Communities.Event>
    let readYourWrites: ReadYourWrites
    let access: AccountAccess
    let clock: Clock
    let logger: Logger

    /// A client's feed of `communityID` as the holder of `viewer`'s token sees it.
    func feed(of communityID: UUID, viewer: TokenService.VerifiedAccess, communities: CommunityQueries) -> CommunityLiveFeed {
        CommunityLiveFeed(
            feed: feed, communities: communities, readYourWrites: readYourWrites, logger: logger, access: access,
            communityID: communityID, viewer: viewer, clock: clock
        )
    }
}
