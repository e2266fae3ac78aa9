// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Assay",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "assay", targets: ["assay"]),
        .executable(name: "assay-bench", targets: ["assay-bench"]),
        .library(name: "AssayLedger", targets: ["AssayLedger"]),
        .library(name: "AssayVerify", targets: ["AssayVerify"]),
        .library(name: "AssayReport", targets: ["AssayReport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // C behind two doors: libsodium (AssayCrypto) and SQLite (AssayStore).
        .systemLibrary(
            name: "CAssaySodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .systemLibrary(
            name: "CAssayLibcrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CAssaySQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "AssayCrypto", dependencies: ["CAssaySodium", "CAssayLibcrypto"], swiftSettings: strict),
        .target(name: "AssayModel", swiftSettings: strict),
        .target(name: "AssayLog", dependencies: ["AssayModel", "AssayCrypto"], swiftSettings: strict),
        .target(name: "AssayStore", dependencies: ["CAssaySQLite", "AssayLog", "AssayCrypto"], swiftSettings: strict),
        .target(name: "AssayVerify", dependencies: ["AssayModel", "AssayLog", "AssayCrypto"], swiftSettings: strict),
        .target(
            name: "AssayLedger",
            dependencies: ["AssayStore", "AssayVerify", "AssayModel", "AssayLog", "AssayCrypto",
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // Every renderer (text, JSON, HTML, Mermaid, DOT): strings out, no printing.
        .target(name: "AssayReport", dependencies: ["AssayVerify", "AssayModel", "AssayLog", "AssayCrypto"], swiftSettings: strict),
        .target(
            name: "AssayCLI",
            dependencies: ["AssayLedger", "AssayReport", "AssayVerify", "AssayModel", "AssayLog", "AssayCrypto",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .executableTarget(name: "assay", dependencies: ["AssayCLI"], swiftSettings: strict),
        .executableTarget(
            name: "assay-bench",
            dependencies: ["AssayLedger", "AssayStore", "AssayVerify", "AssayLog", "AssayCrypto",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        .target(
            name: "AssayTestSupport",
            dependencies: ["AssayLedger", "AssayStore", "AssayVerify", "AssayModel", "AssayLog", "AssayCrypto"],
            path: "Tests/AssayTestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "AssayCryptoTests", dependencies: ["AssayCrypto", "AssayTestSupport"], swiftSettings: strict),
        .testTarget(name: "AssayModelTests", dependencies: ["AssayModel", "AssayTestSupport"], swiftSettings: strict),
        .testTarget(name: "AssaySchemaTests", dependencies: ["AssayModel", "AssayCrypto", "AssayTestSupport"], swiftSettings: strict),
        .testTarget(name: "AssayLogTests", dependencies: ["AssayLog", "AssayCrypto", "AssayTestSupport"], swiftSettings: strict),
        .testTarget(name: "AssayStoreTests", dependencies: ["AssayStore", "AssayLedger", "AssayTestSupport"], swiftSettings: strict),
        .testTarget(name: "AssayVerifyTests", dependencies: ["AssayVerify", "AssayLedger", "AssayStore", "AssayLog", "AssayCrypto", "AssayModel", "AssayTestSupport"], swiftSettings: strict),
        .testTarget(name: "AssayBundleTests", dependencies: ["AssayVerify", "AssayReport", "AssayLedger", "AssayModel", "AssayLog", "AssayCrypto", "AssayTestSupport"], swiftSettings: strict),
        .testTarget(name: "AssayReliabilityTests", dependencies: ["AssayTestSupport"], swiftSettings: strict),
        .testTarget(name: "AssayCLITests", dependencies: ["AssayCLI", "AssayReport", "AssayVerify", "AssayLog", "AssayCrypto", "AssayTestSupport"], swiftSettings: strict),
    ]
)
