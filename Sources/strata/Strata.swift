import ArgumentParser

@main
struct Strata: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Strata: storage engines, measured.")
}
