import Metrics

/// The replication gauges of `/metrics`, sampled at scrape time from the node's status (the same
/// figures as `GET /admin/replication`).
///
/// On a primary, per replica (`replica` = its node id): its confirmed position, its lag in events
/// and in seconds, and whether its stream is open. On a replica: whether it is connected to its
/// primary, the primary's head as last heard, and how many events it knows it lacks.
enum ReplicationMetrics {
    static func record(_ status: ReplicationNode.Status) {
        Gauge(label: "protalent_replication_is_replica").record(status.role == .replica ? 1 : 0)
        Gauge(label: "protalent_replication_epoch").record(status.epoch)
        for replica in status.replicas {
            let dimensions = [("replica", replica.id)]
            Gauge(label: "protalent_replication_confirmed_position", dimensions: dimensions).record(replica.confirmedPosition)
            Gauge(label: "protalent_replication_lag_events", dimensions: dimensions).record(replica.lagEvents)
            Gauge(label: "protalent_replication_lag_seconds", dimensions: dimensions).record(replica.lagSeconds)
            Gauge(label: "protalent_replication_replica_connected", dimensions: dimensions).record(replica.connected ? 1 : 0)
        }
        guard status.role == .replica else { return }
        let primaryHead = max(status.primaryHead ?? 0, status.head)
        Gauge(label: "protalent_replication_primary_connected").record(status.connected == true ? 1 : 0)
        Gauge(label: "protalent_replication_primary_head_position").record(primaryHead)
        Gauge(label: "protalent_replication_behind_primary_events").record(primaryHead - status.head)
    }
}
