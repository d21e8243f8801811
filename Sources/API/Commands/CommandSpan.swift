import Foundation
import Tracing

/// The `decide <Context>` span of a command: loading its stream, deciding and appending (the
/// `log.append` span is its child), named after the bounded context whose decider runs.
struct CommandSpan {
    private let span: any Span

    /// Starts the span as a child of the request's.
    init(context: String) {
        span = InstrumentationSystem.tracer.startSpan("decide \(context)", context: ServiceContext.current ?? .topLevel, ofKind: .internal)
    }

    /// The context a domain type names, without its module: `Identity.Account` for the decider
    /// `Domain.Identity.Account`; `dropLast` also drops the type's own name (`Identity` for
    /// `Domain.Identity.Rejection`, the rejection of a decision over several streams).
    static func context(of type: Any.Type, dropLast: Bool = false) -> String {
        // A generic wrapper (`EventSourcing.Refusal<Domain.Identity.Rejection>`): its domain argument.
        var name = String(reflecting: type)
        if let domain = name.range(of: "Domain.", options: .backwards) {
            name = "Domain." + name[domain.upperBound...].prefix { $0 != ">" && $0 != "," }
        }
        var parts = name.split(separator: ".").dropFirst()
        if dropLast, parts.count > 1 { parts = parts.dropLast() }
        return parts.joined(separator: ".")
    }

    /// Runs `work` with this span as the current one (so the append's span is its child).
    func run<T, Failure: Error>(_ work: () async throws(Failure) -> T) async throws(Failure) -> T {
        let result: Result<T, Failure> = await ServiceContext.$current.withValue(span.context) {
            do throws(Failure) {
                return .success(try await work())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Records a refused or failed command.
    func failed(_ error: any Error) {
        span.recordError(error)
    }

    /// Ends the span.
    func end() {
        span.end()
    }
}
