// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "neighsync",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "IpNetCore", targets: ["IpNetCore"]),
        .library(name: "IpNet", targets: ["IpNet"]),
        .library(name: "NeighSyncCore", targets: ["NeighSyncCore"]),
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
        // The pure layers (no C module, no Glibc, no Foundation; .ci/purity.sh checks it): the Windows-shaped model,
        // and the desired state, diagnostics, planner, applier and rendering over it.
        .target(name: "IpNetCore"),
        .target(name: "NeighSyncCore", dependencies: ["IpNetCore"]),
        // The adapters: the kernel (rtnetlink over libmnl), and the files, locks, signals and loops around the core.
        .target(name: "IpNet", dependencies: ["IpNetCore", "CNetlink"]),
        .target(name: "NeighSync", dependencies: ["NeighSyncCore", "IpNetCore", "IpNet", "CYAML"]),
        .executableTarget(
            name: "neighsync",
            dependencies: [
                "NeighSync", "NeighSyncCore", "IpNet", "IpNetCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared by the test targets, pure like the core (.ci/purity.sh checks it): an in-memory neighbor table with
        // the kernel's write semantics, the planner tests' rows and links, and a seeded generator.
        .target(name: "CoreTestSupport", dependencies: ["IpNetCore", "NeighSyncCore"], path: "Tests/CoreTestSupport"),
        // Shared by the kernel test targets: fresh network namespaces with veth pairs, and the CI=true skip rule.
        .target(name: "NetnsTesting", path: "Tests/NetnsTesting"),
        // Pure tests: no root, no network namespace, no libmnl/libyaml.
        .testTarget(name: "IpNetCoreTests", dependencies: ["IpNetCore"]),
        .testTarget(name: "NeighSyncCoreTests", dependencies: ["NeighSyncCore", "IpNetCore", "CoreTestSupport"]),
        .testTarget(name: "IpNetTests", dependencies: ["IpNet", "IpNetCore", "NetnsTesting"]),
        .testTarget(name: "NeighSyncTests", dependencies: ["NeighSync", "NeighSyncCore", "IpNet", "IpNetCore",
                                                           "NetnsTesting", "CoreTestSupport"],
                    resources: [.copy("Fixtures")]),
        // Golden/help: the --help texts, read from the source tree (HelpGoldenTests), not bundled.
        .testTarget(name: "CLITests", dependencies: ["NeighSync", "NeighSyncCore", "IpNet", "IpNetCore",
                                                     "NetnsTesting", "CoreTestSupport"], exclude: ["Golden"]),
    ]
)
