// swift-tools-version: 6.0
import PackageDescription

// MARK: - Target helpers

/// The packages of the products targets use, by product name: a target lists what it uses by
/// name, this package's modules and products alike.
let productPackages: [String: String] = [
    "ArgumentParser": "swift-argument-parser",
    "AsyncHTTPClient": "async-http-client",
    "CompressNIO": "compress-nio",
    "CoreMetrics": "swift-metrics",
    "Crypto": "swift-crypto",
    "DequeModule": "swift-collections",
    "HTTPTypes": "swift-http-types",
    "Histogram": "hdrhistogram-swift",
    "Hummingbird": "hummingbird",
    "HummingbirdAuth": "hummingbird-auth",
    "HummingbirdBcrypt": "hummingbird-auth",
    "HummingbirdCore": "hummingbird",
    "HummingbirdTesting": "hummingbird",
    "HummingbirdWebSocket": "hummingbird-websocket",
    "JWTKit": "jwt-kit",
    "Logging": "swift-log",
    "Metrics": "swift-metrics",
    "MultipartKit": "multipart-kit",
    "Mustache": "swift-mustache",
    "NIOConcurrencyHelpers": "swift-nio",
    "NIOCore": "swift-nio",
    "NIOFoundationCompat": "swift-nio",
    "NIOHTTP1": "swift-nio",
    "NIOHTTPTypes": "swift-nio-extras",
    "NIOHTTPTypesHTTP1": "swift-nio-extras",
    "NIOPosix": "swift-nio",
    "NIOWebSocket": "swift-nio",
    "PostgresNIO": "postgres-nio",
    "Prometheus": "swift-prometheus",
    "ServiceLifecycle": "swift-service-lifecycle",
    "WSClient": "swift-websocket",
    "WSCore": "swift-websocket",
    "ZIPFoundation": "ZIPFoundation",
]

func dependencies(_ names: [String]) -> [Target.Dependency] {
    names.map { name in productPackages[name].map { .product(name: name, package: $0) } ?? .target(name: name) }
}

/// Every Swift target gets the same strict settings: Swift 6 language mode (complete concurrency
/// checking) plus the upcoming features that make dependencies and existentials explicit.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

func library(_ name: String, in path: String, uses: [String]) -> Target {
    .target(name: name, dependencies: dependencies(uses), path: path, swiftSettings: strictSettings)
}

/// An executable: a service, the CLI, a benchmark or the end-to-end driver.
func service(_ name: String, in path: String, uses: [String], resources: [Resource]? = nil) -> Target {
    .executableTarget(name: name, dependencies: dependencies(uses), path: path, resources: resources, swiftSettings: strictSettings)
}

func tests(_ name: String, uses: [String]) -> Target {
    .testTarget(name: name, dependencies: dependencies(uses), path: "Tests/\(name)", swiftSettings: strictSettings)
}

let package = Package(
    name: "Astrolab",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "accounts", targets: ["Accounts"]),
        .executable(name: "profiles", targets: ["Profiles"]),
        .executable(name: "moderation", targets: ["Moderation"]),
        .executable(name: "subscriptions", targets: ["Subscriptions"]),
        .executable(name: "signal-relay", targets: ["SignalRelay"]),
        .executable(name: "web", targets: ["Web"]),
        .executable(name: "astrolab-admin", targets: ["AstrolabAdmin"]),
        .executable(name: "messaging-benchmark", targets: ["MessagingBenchmark"]),
        .executable(name: "profile-benchmark", targets: ["ProfileBenchmark"]),
        .executable(name: "fanout-benchmark", targets: ["FanoutBenchmark"]),
        .executable(name: "end-to-end", targets: ["EndToEnd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.0"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.19"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket.git", from: "1.3.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.4.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        // MARK: Shared libraries (docs/ARCHITECTURE.md says which may use which)
        library("Rules", in: "Shared/Rules", uses: []),
        library("ExactJSON", in: "Shared/ExactJSON", uses: []),
        // The public API's shapes as its clients read them: the web app, the CLI and the tests.
        library("APIShapes", in: "Shared/APIShapes", uses: ["ExactJSON"]),
        library("OctoBotFormats", in: "Shared/OctoBotFormats", uses: ["ExactJSON", "ZIPFoundation"]),
        library("MQTTWire", in: "Shared/MQTTWire", uses: ["NIOCore"]),
        library("Schema", in: "Shared/Schema", uses: ["Crypto", "Logging", "PostgresNIO"]),
        library("Models", in: "Shared/Models", uses: ["ExactJSON", "OctoBotFormats", "PostgresNIO", "Crypto", "Logging"]),
        // Each store holds one owning service's tables: its repositories and state machines. Only its
        // owner (and the CLI, benchmarks and tests) may use it; everyone else reads through Models' `Reads`.
        library("AccountsStore", in: "Shared/Stores/AccountsStore", uses: ["Models", "Logging", "PostgresNIO"]),
        library("StrategyStore", in: "Shared/Stores/StrategyStore", uses: ["Models", "OctoBotFormats", "Logging", "PostgresNIO"]),
        library("ModerationStore", in: "Shared/Stores/ModerationStore", uses: ["Models", "Logging", "PostgresNIO"]),
        library("SubscriptionStore", in: "Shared/Stores/SubscriptionStore", uses: ["Models", "Logging", "PostgresNIO"]),
        library("SignalStore", in: "Shared/Stores/SignalStore", uses: ["Models", "OctoBotFormats", "Logging", "NIOCore", "PostgresNIO"]),
        .systemLibrary(name: "Clibrabbitmq", path: "Shared/Clibrabbitmq", pkgConfig: "librabbitmq", providers: [.apt(["librabbitmq-dev"])]),
        .target(name: "CRabbitMQ", dependencies: ["Clibrabbitmq"], path: "Shared/CRabbitMQ"),
        library("Messaging", in: "Shared/Messaging", uses: ["CRabbitMQ", "DequeModule", "Logging", "Metrics", "ServiceLifecycle"]),
        library("EventBus", in: "Shared/EventBus", uses: ["Messaging", "Models", "Logging", "PostgresNIO", "ServiceLifecycle"]),
        library(
            "ServiceKit", in: "Shared/ServiceKit",
            uses: [
                "Schema", "EventBus", "ExactJSON", "Rules", "Messaging", "Models", "Hummingbird", "HummingbirdCore", "HummingbirdAuth", "JWTKit",
                "Crypto", "PostgresNIO", "Logging", "Metrics", "Prometheus", "ServiceLifecycle", "AsyncHTTPClient", "NIOFoundationCompat",
                "NIOHTTP1",
            ]
        ),

        // MARK: Services
        service(
            "Accounts", in: "Services/Accounts",
            uses: ["AccountsStore", "ExactJSON", "Models", "Rules", "ServiceKit", "Hummingbird", "HummingbirdAuth", "HummingbirdBcrypt", "JWTKit", "Crypto", "NIOPosix"]
        ),
        service(
            "Profiles", in: "Services/Profiles",
            uses: [
                "StrategyStore", "Rules", "EventBus", "Messaging", "Models", "OctoBotFormats", "ServiceKit", "Hummingbird", "HTTPTypes",
                "Logging", "NIOCore", "NIOPosix", "PostgresNIO",
            ]
        ),
        service(
            "Moderation", in: "Services/Moderation",
            uses: [
                "ModerationStore", "Rules", "EventBus", "Messaging", "Models", "OctoBotFormats", "ServiceKit", "Hummingbird", "HTTPTypes",
                "Logging", "NIOCore", "PostgresNIO", "ServiceLifecycle",
            ]
        ),
        service(
            "Web", in: "Services/Web",
            uses: [
                "APIShapes", "ExactJSON", "Rules", "Models", "ServiceKit", "Hummingbird", "Mustache", "MultipartKit", "AsyncHTTPClient", "Crypto",
                "Logging", "NIOFoundationCompat", "WSClient",
            ],
            // Templates and assets are compiled into the binary: one file to deploy, as every service.
            resources: [
                "Templates/layout.mustache", "Templates/catalog.mustache", "Templates/strategy.mustache", "Templates/subscriptions.mustache",
                "Templates/editor.mustache", "Templates/editor-new.mustache", "Templates/editor-strategy.mustache",
                "Templates/moderation.mustache", "Templates/moderation-case.mustache", "Templates/account.mustache",
                "Templates/signin.mustache", "Templates/register.mustache", "Templates/error.mustache", "Assets/app.css", "Assets/app.js",
            ].map { .embedInCode($0) }
        ),
        service(
            "Subscriptions", in: "Services/Subscriptions",
            uses: ["SubscriptionStore", "Rules", "EventBus", "Messaging", "Models", "ServiceKit", "Hummingbird", "Logging", "PostgresNIO", "ServiceLifecycle"]
        ),
        service(
            "SignalRelay", in: "Services/SignalRelay",
            uses: [
                "SignalStore", "ExactJSON", "Rules", "EventBus", "Messaging", "MQTTWire", "Models", "OctoBotFormats", "ServiceKit", "CompressNIO",
                "DequeModule", "Hummingbird", "HummingbirdCore", "HummingbirdWebSocket", "WSCore", "HTTPTypes", "Logging", "CoreMetrics",
                "NIOConcurrencyHelpers", "NIOCore", "NIOHTTP1", "NIOWebSocket", "NIOHTTPTypes", "NIOHTTPTypesHTTP1", "NIOPosix",
                "PostgresNIO", "ServiceLifecycle",
            ]
        ),
        service(
            "AstrolabAdmin", in: "Services/AstrolabAdmin",
            uses: [
                "APIShapes", "ExactJSON", "Schema", "SubscriptionStore", "SignalStore", "AccountsStore", "Rules", "EventBus", "Messaging",
                "Models", "AsyncHTTPClient", "NIOCore", "NIOFoundationCompat", "NIOHTTP1", "ArgumentParser", "PostgresNIO", "Logging",
            ]
        ),

        // MARK: Benchmarks
        service(
            "MessagingBenchmark", in: "Benchmarks/MessagingBenchmark",
            uses: ["Schema", "EventBus", "Messaging", "Models", "ArgumentParser", "Histogram", "Logging", "PostgresNIO", "ServiceLifecycle"]
        ),
        service(
            "FanoutBenchmark", in: "Benchmarks/FanoutBenchmark",
            uses: [
                "SubscriptionStore", "StrategyStore", "AccountsStore", "Models", "MQTTWire", "ExactJSON", "OctoBotFormats", "ArgumentParser",
                "Histogram", "Logging", "NIOCore", "NIOHTTP1", "NIOPosix", "NIOWebSocket", "PostgresNIO",
            ]
        ),
        service("ProfileBenchmark", in: "Benchmarks/ProfileBenchmark", uses: ["OctoBotFormats", "ArgumentParser", "Histogram"]),

        // MARK: Tests
        service(
            "EndToEnd", in: "Tests/EndToEnd",
            uses: [
                "ExactJSON", "MQTTWire", "OctoBotFormats", "ArgumentParser", "AsyncHTTPClient", "Logging", "NIOCore", "NIOFoundationCompat", "NIOHTTP1",
                "NIOPosix", "WSClient",
            ]
        ),
        library(
            "TestSupport", in: "Tests/TestSupport",
            uses: [
                "APIShapes", "Schema", "StrategyStore", "AccountsStore", "ExactJSON", "Models", "ServiceKit", "JWTKit", "ZIPFoundation",
                "HummingbirdTesting", "HTTPTypes", "NIOCore", "PostgresNIO", "Logging", "ServiceLifecycle",
            ]
        ),
        tests("OctoBotFormatsTests", uses: ["ExactJSON", "OctoBotFormats", "TestSupport"]),
        tests("ModelsTests", uses: ["Schema", "AccountsStore", "Models", "TestSupport", "Logging", "PostgresNIO"]),
        tests("MessagingTests", uses: ["EventBus", "Messaging", "Models", "TestSupport", "Logging", "PostgresNIO", "ServiceLifecycle"]),
        tests("ServiceKitTests", uses: ["Rules", "Models", "ServiceKit", "TestSupport", "HummingbirdTesting", "HTTPTypes", "JWTKit", "Logging"]),
        tests(
            "AccountsTests",
            uses: [
                "APIShapes", "AccountsStore", "Rules", "Accounts", "EventBus", "Messaging", "Models", "ServiceKit", "TestSupport", "HummingbirdTesting",
                "HTTPTypes", "JWTKit", "Logging", "PostgresNIO",
            ]
        ),
        tests(
            "ProfilesTests",
            uses: [
                "APIShapes", "StrategyStore", "Rules", "Profiles", "EventBus", "Messaging", "Models", "OctoBotFormats", "ServiceKit", "TestSupport",
                "HummingbirdTesting", "HTTPTypes", "JWTKit", "Logging", "NIOCore", "PostgresNIO",
            ]
        ),
        tests("WebTests", uses: ["Web", "Models", "ServiceKit", "TestSupport", "HummingbirdTesting", "Logging"]),
        tests(
            "SubscriptionsTests",
            uses: [
                "APIShapes", "AccountsStore", "SubscriptionStore", "Rules", "Subscriptions", "Profiles", "Models", "ExactJSON", "OctoBotFormats", "ServiceKit",
                "TestSupport", "HummingbirdTesting", "HTTPTypes", "Logging", "NIOCore", "PostgresNIO",
            ]
        ),
        tests(
            "SignalRelayTests",
            uses: [
                "APIShapes", "SubscriptionStore", "StrategyStore", "AccountsStore", "SignalStore", "Rules", "SignalRelay", "MQTTWire", "Models",
                "OctoBotFormats", "ServiceKit", "TestSupport", "CompressNIO", "HummingbirdTesting", "HTTPTypes", "Logging", "NIOCore",
                "NIOPosix", "PostgresNIO", "WSClient",
            ]
        ),
        tests(
            "ModerationTests",
            uses: [
                "APIShapes", "StrategyStore", "ModerationStore", "Rules", "Moderation", "Profiles", "AstrolabAdmin", "EventBus", "ExactJSON", "Messaging",
                "Models", "ServiceKit", "TestSupport", "AsyncHTTPClient", "HummingbirdTesting", "HTTPTypes", "Logging", "NIOCore", "NIOHTTP1",
                "PostgresNIO",
            ]
        ),
    ]
)
