import Metrics
public import Prometheus
import Synchronization

/// The process's Prometheus registry, bootstrapped into swift-metrics once.
///
/// swift-metrics allows one bootstrap per process; tests build many applications, so the first
/// one installs the factory and the rest share it.
public enum PlatformMetrics {
    private static let bootstrapped = Mutex<PrometheusCollectorRegistry?>(nil)

    /// The registry `/metrics` renders (installing it on first use).
    public static var registry: PrometheusCollectorRegistry {
        bootstrapped.withLock { current in
            if let current { return current }
            let registry = PrometheusCollectorRegistry()
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.defaultDurationHistogramBuckets = [
                .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
                .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
            ]
            factory.nameAndLabelSanitizer = MetricCatalog.prometheusName
            MetricsSystem.bootstrap(factory)
            current = registry
            return registry
        }
    }
}
