import Foundation
import Synchronization

/// How many live streams one account may hold open at once (one review found 334 from a single
/// account): the next one is refused with 429 until one closes.
final class LiveStreamLimit: Sendable {
    /// Streams per account.
    let perAccount: Int
    private let open = Mutex<[UUID: Int]>([:])

    init(perAccount: Int = 8) {
        self.perAccount = perAccount
    }

    /// A place for one more stream of `account`, held until the lease is released (when the
    /// response that holds it is gone, however it ended); 429 when the account has none left.
    func lease(for account: UUID) throws(APIError) -> Lease {
        let granted = open.withLock { open in
            guard open[account, default: 0] < perAccount else { return false }
            open[account, default: 0] += 1
            return true
        }
        guard granted else {
            throw .tooManyRequests("this account already has \(perAccount) live streams open; close one first", retryAfter: 5)
        }
        return Lease(limit: self, account: account)
    }

    fileprivate func release(_ account: UUID) {
        open.withLock { open in
            let left = open[account, default: 1] - 1
            open[account] = left > 0 ? left : nil
        }
    }

    /// One open stream's place; giving it up is its deinitialiser's work, so no ending is missed.
    final class Lease: Sendable {
        private let limit: LiveStreamLimit
        private let account: UUID

        fileprivate init(limit: LiveStreamLimit, account: UUID) {
            self.limit = limit
            self.account = account
        }

        deinit {
            limit.release(account)
        }
    }
}
