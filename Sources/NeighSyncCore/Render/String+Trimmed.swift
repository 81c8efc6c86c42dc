extension String {
    /// The text without leading and trailing spaces, tabs, carriage returns and newlines.
    package var trimmed: String {
        let ws: Set<Character> = [" ", "\t", "\n", "\r"]
        guard let a = firstIndex(where: { !ws.contains($0) }), let b = lastIndex(where: { !ws.contains($0) }) else {
            return ""
        }
        return String(self[a...b])
    }
}
