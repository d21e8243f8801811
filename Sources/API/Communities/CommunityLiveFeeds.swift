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
    /// Open streams per account.
    let limit: LiveStreamLimit

    /// A client's feed of `communityID` as the holder of `viewer`'s token sees it.
    /// 429 when the account already holds `limit.perAccount` streams.
    func feed(of communityID: UUID, viewer: TokenService.VerifiedAccess, communities: CommunityQueries) throws(APIError) -> CommunityLiveFeed {
        guard case .user(let account, _) = viewer.principal else { throw .unauthenticated("sign in to follow a community live") }
        return CommunityLiveFeed(
            feed: feed, communities: communities, readYourWrites: readYourWrites, logger: logger, access: access,
            lease: try limit.lease(for: account), communityID: communityID, viewer: viewer, clock: clock
        )
    }
}
