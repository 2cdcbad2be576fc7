// swift-tools-version: 6.0
import PackageDescription

/// Every target gets the same strict settings: Swift 6 language mode (complete concurrency
/// checking) plus the upcoming features that make dependencies and existentials explicit.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

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
        // MARK: Shared libraries
        .target(
            name: "Models",
            dependencies: [
                "OctoBotFormats",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/Models",
            swiftSettings: strictSettings
        ),
        .target(
            name: "OctoBotFormats",
            dependencies: [
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            path: "Shared/OctoBotFormats",
            swiftSettings: strictSettings
        ),
        .target(
            name: "MQTTWire",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            path: "Shared/MQTTWire",
            swiftSettings: strictSettings
        ),
        .systemLibrary(
            name: "Clibrabbitmq",
            path: "Shared/Clibrabbitmq",
            pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),
        .target(
            name: "CRabbitMQ",
            dependencies: ["Clibrabbitmq"],
            path: "Shared/CRabbitMQ"
        ),
        .target(
            name: "Messaging",
            dependencies: [
                "CRabbitMQ",
                "Models",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/Messaging",
            swiftSettings: strictSettings
        ),
        .target(
            name: "ServiceKit",
            dependencies: [
                "Messaging",
                "Models",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Shared/ServiceKit",
            swiftSettings: strictSettings
        ),

        // MARK: Services
        .executableTarget(
            name: "Accounts",
            dependencies: [
                "Models",
                "ServiceKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Services/Accounts",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "Profiles",
            dependencies: [
                "Messaging",
                "Models",
                "OctoBotFormats",
                "ServiceKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Services/Profiles",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "Moderation",
            dependencies: [
                "Messaging",
                "Models",
                "OctoBotFormats",
                "ServiceKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/Moderation",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "Web",
            dependencies: [
                "Models",
                "ServiceKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "WSClient", package: "swift-websocket"),
            ],
            path: "Services/Web",
            // Templates and assets are compiled into the binary: one file to deploy, as every service.
            resources: [
                .embedInCode("Templates/layout.mustache"),
                .embedInCode("Templates/catalog.mustache"),
                .embedInCode("Templates/strategy.mustache"),
                .embedInCode("Templates/subscriptions.mustache"),
                .embedInCode("Templates/editor.mustache"),
                .embedInCode("Templates/editor-new.mustache"),
                .embedInCode("Templates/editor-strategy.mustache"),
                .embedInCode("Templates/moderation.mustache"),
                .embedInCode("Templates/moderation-case.mustache"),
                .embedInCode("Templates/account.mustache"),
                .embedInCode("Templates/signin.mustache"),
                .embedInCode("Templates/register.mustache"),
                .embedInCode("Templates/error.mustache"),
                .embedInCode("Assets/app.css"),
                .embedInCode("Assets/app.js"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "Subscriptions",
            dependencies: [
                "Messaging",
                "Models",
                "ServiceKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/Subscriptions",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "SignalRelay",
            dependencies: [
                "Messaging",
                "MQTTWire",
                "Models",
                "OctoBotFormats",
                "ServiceKit",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "WSCore", package: "swift-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/SignalRelay",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "AstrolabAdmin",
            dependencies: [
                "Messaging",
                "Models",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Services/AstrolabAdmin",
            swiftSettings: strictSettings
        ),

        // MARK: Benchmarks
        .executableTarget(
            name: "MessagingBenchmark",
            dependencies: [
                "Messaging",
                "Models",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/MessagingBenchmark",
            swiftSettings: strictSettings
        ),

        .executableTarget(
            name: "FanoutBenchmark",
            dependencies: [
                "Models", "MQTTWire", "OctoBotFormats",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Benchmarks/FanoutBenchmark",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "ProfileBenchmark",
            dependencies: [
                "OctoBotFormats",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/ProfileBenchmark",
            swiftSettings: strictSettings
        ),

        // MARK: Tests
        .executableTarget(
            name: "EndToEnd",
            dependencies: [
                "MQTTWire", "OctoBotFormats",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "WSClient", package: "swift-websocket"),
            ],
            path: "Tests/EndToEnd",
            swiftSettings: strictSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "Models",
                "ServiceKit",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "OctoBotFormatsTests",
            dependencies: ["OctoBotFormats", "TestSupport"],
            path: "Tests/OctoBotFormatsTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ModelsTests",
            dependencies: [
                "Models", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/ModelsTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MessagingTests",
            dependencies: [
                "Messaging", "Models", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/MessagingTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ServiceKitTests",
            dependencies: [
                "ServiceKit", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/ServiceKitTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AccountsTests",
            dependencies: [
                "Accounts", "Messaging", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/AccountsTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ProfilesTests",
            dependencies: [
                "Profiles", "Messaging", "Models", "OctoBotFormats", "ServiceKit", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/ProfilesTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "WebTests",
            dependencies: [
                "Web", "Models", "ServiceKit", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/WebTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SubscriptionsTests",
            dependencies: [
                "Subscriptions", "Profiles", "Models", "OctoBotFormats", "ServiceKit", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/SubscriptionsTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SignalRelayTests",
            dependencies: [
                "SignalRelay", "MQTTWire", "Models", "OctoBotFormats", "ServiceKit", "TestSupport",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "WSClient", package: "swift-websocket"),
            ],
            path: "Tests/SignalRelayTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ModerationTests",
            dependencies: [
                "Moderation", "Profiles", "AstrolabAdmin", "Messaging", "Models", "ServiceKit", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/ModerationTests",
            swiftSettings: strictSettings
        ),
    ]
)
