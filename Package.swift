// swift-tools-version:6.0
import PackageDescription

// The stages are separate targets and data flows one way: files -> store -> indicator values -> report.
//
//   LagesbildModel       kinds and columns, vocabularies, codes, region register, Swedish formatting
//   LagesbildStore       database, migrations, rows and their writer, queries           (Model)
//   LagesbildIngest      the import: readers for text, workbooks, official statistics   (Model, Store)
//   LagesbildIndicators  definitions, engine, statistics, disclosure, comparisons       (Model, Store)
//   LagesbildReport      the report and the output of figures (JSON, CSV, table)        (Model, Store, Indicators)
//   LagesbildService     the workspace's rules: accounts, sign-in, scope, audit, publishing (all of the above)
//   LagesbildWeb         the workspace in the browser (`lagesbild serve`)               (all of the above)
//   lagesbild            the command line: one file per command, the demo               (all)
//
// What crosses targets but is no public API has `package` access.
let package = Package(
    name: "lagesbild",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lagesbild", targets: ["lagesbild"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // 4.x: jwt-kit 5 needs it (the OpenID Connect sign-in's ID tokens).
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // Hummingbird's own HTTP part types, for the one channel handler the workspace adds (100 Continue).
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        // NIO's thread pool (bcrypt, the report) and channel types, which Hummingbird builds on.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // OpenID Connect sign-in: the ID token's JOSE (signature with the provider's JWKS). Its HTTP is Foundation's
        // URLSession (see LagesbildOIDC/Transport.swift for why not async-http-client).
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
    ],
    targets: [
        // libxml2's SAX parser (the system library, as Debian's libxml2-dev installs it), for streaming
        // the sheets of .xlsx workbooks.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // Compiles Reference/, Indicators/ and Reports/ into the targets that read them, at build time.
        .executableTarget(name: "EmbedResourcesTool"),
        .plugin(name: "EmbedResources", capability: .buildTool(), dependencies: ["EmbedResourcesTool"]),

        .target(name: "LagesbildModel", plugins: ["EmbedResources"]),
        .target(
            name: "LagesbildStore",
            dependencies: [
                "LagesbildModel",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the import's hot path (see FactWriter).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "LagesbildIngest",
            dependencies: [
                "LagesbildModel", "LagesbildStore", "CLibXML2",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .target(
            name: "LagesbildIndicators",
            dependencies: [
                "LagesbildModel", "LagesbildStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ],
            plugins: ["EmbedResources"]
        ),
        .target(
            name: "LagesbildReport",
            dependencies: [
                "LagesbildModel", "LagesbildStore", "LagesbildIndicators",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Ink", package: "Ink"),
            ],
            plugins: ["EmbedResources"]
        ),
        .target(
            name: "LagesbildService",
            dependencies: [
                "LagesbildModel", "LagesbildStore", "LagesbildIngest", "LagesbildIndicators", "LagesbildReport", "LagesbildOIDC",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Sign-in with the municipality's identity provider (OpenID Connect): its configuration, discovery and keys, the
        // authorization code flow's values (PKCE, state, nonce), the ID token's verification and the groups' roles.
        .target(
            name: "LagesbildOIDC",
            dependencies: [
                "LagesbildModel", "LagesbildStore",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            // FoundationNetworking's URLSession is libcurl's: a program with the Swift runtime linked in
            // (--static-swift-stdlib, the release package) names libcurl itself (libcurl4-openssl-dev to link).
            linkerSettings: [.linkedLibrary("curl", .when(platforms: [.linux], configuration: .release))]
        ),
        .target(
            name: "LagesbildWeb",
            dependencies: [
                "LagesbildModel", "LagesbildStore", "LagesbildIngest", "LagesbildIndicators", "LagesbildReport", "LagesbildService",
                "LagesbildOIDC",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            plugins: ["EmbedResources"]
        ),
        .executableTarget(
            name: "lagesbild",
            dependencies: [
                "LagesbildModel", "LagesbildStore", "LagesbildIngest", "LagesbildIndicators", "LagesbildReport", "LagesbildService",
                "LagesbildWeb", "LagesbildOIDC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["EmbedResources"]
        ),
        .testTarget(
            name: "LagesbildKitTests",
            dependencies: ["LagesbildModel", "LagesbildStore", "LagesbildIngest", "LagesbildIndicators", "LagesbildReport",
                           .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The workspace's routes, roles and security rules, through Hummingbird's test client (no network).
        .testTarget(
            name: "LagesbildWebTests",
            dependencies: ["LagesbildWeb", "LagesbildService", "LagesbildIndicators", "LagesbildStore", "LagesbildModel", "LagesbildIngest",
                           "LagesbildReport",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "HTTPTypes", package: "swift-http-types"),
                           .product(name: "GRDB", package: "GRDB.swift"),
                           // To check a publication's sha256 against its bytes.
                           .product(name: "Crypto", package: "swift-crypto"),
                           // ID tokens signed the way a provider signs them, and the wrong ways (the refusals' tests).
                           "LagesbildOIDC",
                           .product(name: "JWTKit", package: "jwt-kit"),
                           .product(name: "_CryptoExtras", package: "swift-crypto")]
        ),
        // End-to-end tests run the built `lagesbild` binary on the fixture files in Tests/Fixtures.
        .testTarget(
            name: "LagesbildCLITests",
            dependencies: ["lagesbild", .product(name: "GRDB", package: "GRDB.swift"),
                           // To make workbooks with every cell form Excel and LibreOffice write.
                           .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
    ]
)
