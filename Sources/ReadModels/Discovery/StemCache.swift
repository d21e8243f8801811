/// The stems of texts seen during one request, computed once each: candidates repeat the same
/// fields and preferences, and folding is the costly part of matching.
final class StemCache {
    private var stems: [String: Set<String>] = [:]

    /// The stems of `text` (`TextTerms.stems`).
    func callAsFunction(_ text: String) -> Set<String> {
        if let known = stems[text] { return known }
        let computed = TextTerms.stems(text)
        stems[text] = computed
        return computed
    }
}
