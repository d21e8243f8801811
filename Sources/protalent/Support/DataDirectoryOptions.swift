import ArgumentParser

/// `--data-dir`, shared by every command that reads or writes a data directory.
struct DataDirectoryOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The data directory (log, keys, read models).")
    var dataDirectory: String = "./data"

    /// Where the segment files live.
    var logDirectory: String { dataDirectory + "/log" }
}
