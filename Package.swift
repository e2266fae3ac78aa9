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
        .library(name: "AssayServer", targets: ["AssayServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Already in the graph through Hummingbird; named for the benchmark's HTTP load generator.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // C behind three doors: libsodium and libcrypto (AssayCrypto), SQLite (AssayStoreSQLite),
        // and the C library's allocator settings (AssayCore).
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
        // glibc's allocator tuning (mallopt), which Swift's Glibc module leaves out.
        .systemLibrary(name: "CAssayLibc"),
        // The one error protocol every module's error conforms to, and process-wide settings.
        .target(name: "AssayCore", dependencies: ["CAssayLibc"], swiftSettings: strict),
        .target(name: "AssayCrypto", dependencies: ["AssayCore", "CAssaySodium", "CAssayLibcrypto"], swiftSettings: strict),
        .target(name: "AssayModel", dependencies: ["AssayCore"], swiftSettings: strict),
        .target(name: "AssayLog", dependencies: ["AssayModel", "AssayCrypto"], swiftSettings: strict),
        // The storage protocol; one target per backend keeps everything engine-specific.
        .target(name: "AssayStore", dependencies: ["AssayModel", "AssayLog", "AssayCrypto"], swiftSettings: strict),
        .target(name: "AssayStoreSQLite", dependencies: ["CAssaySQLite", "AssayStore", "AssayLog", "AssayCrypto"], swiftSettings: strict),
        .target(
            name: "AssayStorePostgres",
            dependencies: ["AssayStore", "AssayLog", "AssayCrypto", "AssayModel",
                           .product(name: "PostgresNIO", package: "postgres-nio"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(name: "AssayVerify", dependencies: ["AssayCore", "AssayModel", "AssayLog", "AssayCrypto"], swiftSettings: strict),
        .target(
            name: "AssayLedger",
            dependencies: ["AssayStore", "AssayStoreSQLite", "AssayStorePostgres", "AssayVerify", "AssayModel", "AssayLog", "AssayCrypto",
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // Every renderer (text, JSON, HTML, Mermaid, DOT): strings out, no printing.
        .target(name: "AssayReport", dependencies: ["AssayCore", "AssayVerify", "AssayModel", "AssayLog", "AssayCrypto"],
                resources: [.copy("Passport/web")], swiftSettings: strict),
        // The HTTP service (Hummingbird 2): submission, reads, operations; feature folders.
        .target(
            name: "AssayServer",
            dependencies: ["AssayCore", "AssayLedger", "AssayStore", "AssayVerify", "AssayModel", "AssayLog", "AssayCrypto", "AssayReport",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "Metrics", package: "swift-metrics"),
                           .product(name: "Prometheus", package: "swift-prometheus"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(
            name: "AssayCLI",
            dependencies: ["AssayCore", "AssayLedger", "AssayReport", "AssayVerify", "AssayModel", "AssayLog", "AssayCrypto", "AssayServer",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .executableTarget(name: "assay", dependencies: ["AssayCLI", "AssayCore"], swiftSettings: strict),
        .executableTarget(
            name: "assay-bench",
            dependencies: ["AssayCore", "AssayLedger", "AssayStore", "AssayStoreSQLite", "AssayVerify", "AssayLog", "AssayCrypto",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: strict
        ),
        .target(
            name: "AssayStorageConformance",
            dependencies: ["AssayStore", "AssayLog", "AssayCrypto"],
            path: "Tests/AssayStorageConformance",
            swiftSettings: strict
        ),
        .target(
            name: "AssayTestSupport",
            dependencies: ["AssayLedger", "AssayStore", "AssayStoreSQLite", "AssayStorePostgres", "AssayStorageConformance", "AssayVerify", "AssayModel", "AssayLog", "AssayCrypto",
                           .product(name: "PostgresNIO", package: "postgres-nio")],
            path: "Tests/AssayTestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "AssayCryptoTests", dependencies: ["AssayCrypto", "AssayTestSupport"], swiftSettings: strict),
        .testTarget(name: "AssayModelTests", dependencies: ["AssayModel", "AssayTestSupport"], swiftSettings: strict),
        .testTarget(name: "AssaySchemaTests", dependencies: ["AssayModel", "AssayCrypto", "AssayTestSupport"], swiftSettings: strict),
        .testTarget(name: "AssayLogTests", dependencies: ["AssayLog", "AssayCrypto", "AssayTestSupport"], swiftSettings: strict),
        .testTarget(name: "AssayStoreTests", dependencies: ["AssayStore", "AssayStoreSQLite", "AssayStorageConformance", "AssayLedger", "AssayVerify", "AssayModel", "AssayLog", "AssayCrypto", "AssayTestSupport"], swiftSettings: strict),
        .testTarget(name: "AssayVerifyTests", dependencies: ["AssayVerify", "AssayLedger", "AssayStore", "AssayStorageConformance", "AssayLog", "AssayCrypto", "AssayModel", "AssayTestSupport"], swiftSettings: strict),
        .testTarget(name: "AssayBundleTests", dependencies: ["AssayVerify", "AssayReport", "AssayLedger", "AssayModel", "AssayLog", "AssayCrypto", "AssayTestSupport"], swiftSettings: strict),
        .testTarget(name: "AssayReliabilityTests", dependencies: ["AssayTestSupport", "AssayCrypto"], swiftSettings: strict),
        .testTarget(name: "AssayCLITests", dependencies: ["AssayCLI", "AssayCore", "AssayReport", "AssayVerify", "AssayLog", "AssayCrypto", "AssayTestSupport"], swiftSettings: strict),
        .testTarget(name: "AssayPostgresTests", dependencies: ["AssayStorePostgres", "AssayStore", "AssayStoreSQLite", "AssayStorageConformance", "AssayLedger", "AssayVerify", "AssayLog", "AssayCrypto", "AssayTestSupport"], swiftSettings: strict),
        .testTarget(name: "AssayServerTests", dependencies: ["AssayServer", "AssayTestSupport", "AssayLedger", "AssayVerify", "AssayModel", "AssayLog", "AssayCrypto"], swiftSettings: strict),
        .testTarget(name: "AssayDocsTests", dependencies: ["AssayTestSupport"], swiftSettings: strict),
        .testTarget(name: "AssayReportTests", dependencies: ["AssayReport", "AssayVerify", "AssayLog", "AssayCrypto", "AssayModel", "AssayTestSupport"], swiftSettings: strict),
    ]
)
