// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "lagesbild",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lagesbild", targets: ["lagesbild"]),
        .library(name: "LagesbildKit", targets: ["LagesbildKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // libxml2's SAX parser (the system library, as Debian's libxml2-dev installs it), for streaming
        // the sheets of .xlsx workbooks.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .target(
            name: "LagesbildKit",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the import's hot path (see FactWriter).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Ink", package: "Ink"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                "CLibXML2",
            ]
        ),
        .executableTarget(
            name: "lagesbild",
            dependencies: [
                "LagesbildKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "LagesbildKitTests",
            dependencies: ["LagesbildKit", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // End-to-end tests run the built `lagesbild` binary on the fixture files in Tests/Fixtures.
        .testTarget(
            name: "LagesbildCLITests",
            dependencies: ["lagesbild", "LagesbildKit", .product(name: "GRDB", package: "GRDB.swift"),
                           // To make workbooks with every cell form Excel and LibreOffice write.
                           .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
    ]
)
