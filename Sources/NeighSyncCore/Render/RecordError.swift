/// Why a state file cannot be used: a snapshot, a plan file, an `ip -j` export, a `--hosts` directory, or a file
/// neighsync writes (`PrivateFile`). It says what is wrong (`problem`), where (`file`, and `field` inside it: a JSON
/// path such as `changes[2].after.state`, or `item 3: parameters`), and, where the problem alone does not, what to
/// do (`remedy`). The one line the user reads is made from those parts, in one of two shapes:
/// `FILE: FIELD: problem; remedy` or, when the file is the sentence's subject, `FILE problem; remedy`
/// (`state.json is 'ip -j neigh show' output; also give the links with --links FILE …`). A row read before its
/// file is known (`RowRecord.row()`) carries the problem only. The CLI prints it as `error: ` + the line and exits 1
/// (`Console.failure`). iproute2 equivalent: the `Error: …` line `ip` prints for a bad argument.
public struct RecordError: Error, CustomStringConvertible, Sendable {
    /// The file (or the option naming it, `--hosts DIR`) the problem is in; nil when not known here.
    public var file: String?
    /// Where in the file: a field path or item (`changes[2].after.state`, `item 3`); nil for the file as a whole.
    public var field: String?
    /// What is wrong (`unsupported snapshot formatVersion 2`).
    public var problem: String
    /// What to do, when `problem` does not say it (`give the output of 'neighsync show --output json' …`).
    public var remedy: String?
    /// True when `problem` continues a sentence whose subject is the file (`FILE is a directory, …`).
    public var fileIsSubject: Bool

    /// An error in `file` (at `field`): `FILE: FIELD: problem; remedy`.
    public init(file: String?, field: String? = nil, _ problem: String, remedy: String? = nil) {
        self.file = file
        self.field = field
        self.problem = problem
        self.remedy = remedy
        fileIsSubject = false
    }

    /// An error whose sentence has `file` as its subject: `FILE problem; remedy` (`problem`: `is a directory, …`).
    public init(subject file: String, _ problem: String, remedy: String? = nil) {
        self.init(file: file, problem, remedy: remedy)
        fileIsSubject = true
    }

    /// A problem not tied to a file here (a row before its file is known): the text alone.
    public init(_ problem: String) {
        self.init(file: nil, problem)
    }

    /// The one line: `FILE: FIELD: problem; remedy`, or `FILE problem; remedy` when the file is the subject.
    public var description: String {
        var s = ""
        if let file { s += fileIsSubject ? file + " " : file + ": " }
        if let field { s += field + ": " }
        s += problem
        if let remedy { s += "; " + remedy }
        return s
    }
}
