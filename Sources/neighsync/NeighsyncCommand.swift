import ArgumentParser

@main
struct NeighsyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "neighsync")
}
