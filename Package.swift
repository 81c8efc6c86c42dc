// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "neighsync",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "IpNet", targets: ["IpNet"]),
        .library(name: "NeighSync", targets: ["NeighSync"]),
        .executable(name: "neighsync", targets: ["neighsync"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CNetlink",
            pkgConfig: "libmnl",
            providers: [.apt(["libmnl-dev"])]
        ),
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "IpNet", dependencies: ["CNetlink"]),
        .target(name: "NeighSync", dependencies: ["IpNet", "CYAML"]),
        .executableTarget(
            name: "neighsync",
            dependencies: [
                "NeighSync", "IpNet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared by the test targets: fresh network namespaces with veth pairs, and the CI=true skip rule.
        .target(name: "NetnsTesting", path: "Tests/NetnsTesting"),
        .testTarget(name: "IpNetTests", dependencies: ["IpNet", "NetnsTesting"]),
        .testTarget(name: "NeighSyncTests", dependencies: ["NeighSync", "IpNet", "NetnsTesting"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "CLITests", dependencies: ["NeighSync", "IpNet", "NetnsTesting"]),
    ]
)
