import ExactJSON

/// A profile upload that passed validation, normalised for storage and download.
public struct ValidatedProfile: Sendable {
    /// The files as they will be served: at the zip root, disabled exchanges removed.
    public let files: [ArchiveFile]
    /// `files` zipped: exactly the bytes stored and downloaded.
    public let zip: [UInt8]
    public let summary: ProfileSummary
    /// What was accepted but changed or looks odd, for the author to read.
    public let warnings: [String]
}

/// Validates an OctoBot profile export (OCTOBOT.md §1) and normalises it. Every problem found is
/// reported at once, each with its path inside the zip.
public enum ProfileArchive {
    public static func validate(zip bytes: [UInt8], limits: ZipLimits = .profileUpload) throws(ArchiveRejected) -> ValidatedProfile {
        var warnings: [String] = []
        var files = try SafeZipReader.files(in: bytes, limits: limits)
        files = dropPlatformJunk(files, warnings: &warnings)
        files = reroot(files, warnings: &warnings)

        var problems: [ArchiveProblem] = []
        let documents = parseJSONFiles(files, problems: &problems)
        guard let profileDocument = documents["profile.json"] else {
            if !files.contains(where: { $0.path == "profile.json" }) {
                problems.insert(ArchiveProblem(path: "profile.json", message: "is missing: an OctoBot export has profile.json at the zip root"), at: 0)
            }
            throw ArchiveRejected(problems)
        }
        for (path, document) in documents.sorted(by: { $0.key < $1.key }) {
            for keyPath in CredentialKeys.paths(in: document) {
                problems.append(
                    ArchiveProblem(
                        path: path,
                        message: "\(keyPath) looks like a credential: exchange API keys, secrets and passwords must never be shared; remove it and upload again",
                        kind: .credential
                    )
                )
            }
        }
        checkProfileJSON(profileDocument, files: files, problems: &problems, warnings: &warnings)
        let tradingMode = checkTentacles(documents["tentacles_config.json"], files: files, problems: &problems)
        checkSpecificConfig(files, documents: documents, problems: &problems)
        guard problems.isEmpty, let tradingMode else { throw ArchiveRejected(problems) }

        let (normalisedProfile, enabledExchanges) = removeDisabledExchanges(profileDocument, warnings: &warnings)
        if normalisedProfile != profileDocument {
            files = files.map { $0.path == "profile.json" ? ArchiveFile(path: $0.path, bytes: JSONWriter.bytes(normalisedProfile, pretty: true)) : $0 }
        }
        if enabledExchanges.isEmpty { warnings.append("profile.json enables no exchange; followers will have to pick one") }
        let summary = ProfileSummary(
            tradingMode: tradingMode,
            evaluators: activated(documents["tentacles_config.json"]?["tentacle_activation"]?["Evaluator"]),
            exchanges: enabledExchanges,
            pairs: pairs(normalisedProfile["config"]?["crypto-currencies"]),
            referenceMarket: normalisedProfile["config"]?["trading"]?["reference-market"]?.stringValue ?? ""
        )
        let zip: [UInt8]
        do {
            zip = try ZipBuilder.zip(files)
        } catch {
            throw ArchiveRejected(error.description)
        }
        return ValidatedProfile(files: files, zip: zip, summary: summary, warnings: warnings)
    }

    /// Folders and files desktop zip tools add (`__MACOSX/`, `.DS_Store`, `Thumbs.db`).
    private static func dropPlatformJunk(_ files: [ArchiveFile], warnings: inout [String]) -> [ArchiveFile] {
        let isJunk = { (file: ArchiveFile) -> Bool in
            let name = file.path.split(separator: "/").last.map(String.init) ?? file.path
            return file.path.hasPrefix("__MACOSX/") || name == ".DS_Store" || name == "Thumbs.db"
        }
        let junk = files.filter(isJunk)
        guard !junk.isEmpty else { return files }
        warnings.append("ignored files a zip tool added: \(junk.map(\.path).joined(separator: ", "))")
        return files.filter { !isJunk($0) }
    }

    /// Bots cannot import a zip whose files sit under one top folder; move them to the root.
    private static func reroot(_ files: [ArchiveFile], warnings: inout [String]) -> [ArchiveFile] {
        guard !files.contains(where: { $0.path == "profile.json" }),
            let top = files.first?.path.split(separator: "/").first.map({ "\($0)/" }),
            files.allSatisfy({ $0.path.hasPrefix(top) }),
            files.contains(where: { $0.path == top + "profile.json" })
        else { return files }
        warnings.append("the files were inside the folder \(top); they were moved to the zip root, where OctoBot expects them")
        return files.map { ArchiveFile(path: String($0.path.dropFirst(top.count)), bytes: $0.bytes) }
    }

    private static func parseJSONFiles(_ files: [ArchiveFile], problems: inout [ArchiveProblem]) -> [String: JSON] {
        var documents: [String: JSON] = [:]
        for file in files where file.path.lowercased().hasSuffix(".json") {
            do {
                documents[file.path] = try JSONParser.parse(file.bytes)
            } catch {
                problems.append(ArchiveProblem(path: file.path, message: "is not valid JSON: \(error)"))
            }
        }
        return documents
    }

    private static func checkProfileJSON(_ document: JSON, files: [ArchiveFile], problems: inout [ArchiveProblem], warnings: inout [String]) {
        let credentialPaths = Set(CredentialKeys.paths(in: document))
        for issue in SchemaValidator.validate(document, against: ProfileSchema.profileJSON) where !credentialPaths.contains(issue.path) {
            switch issue.severity {
            case .error: problems.append(ArchiveProblem(path: "profile.json", message: issue.description))
            case .warning: warnings.append("profile.json: \(issue.description)")
            }
        }
        for (name, exchange) in document["config"]?["exchanges"]?.objectValue?.members ?? [] {
            if let type = exchange["exchange-type"]?.stringValue, !ProfileSchema.exchangeTypes.contains(type) {
                problems.append(
                    ArchiveProblem(
                        path: "profile.json",
                        message: "config.exchanges.\(name).exchange-type: must be one of \(ProfileSchema.exchangeTypes.sorted().joined(separator: ", ")), got \(type)"
                    )
                )
            }
        }
        let profile = document["profile"]
        if profile?["id"]?.stringValue == nil {
            warnings.append("profile.json: profile.id is missing; OctoBot will make one up on import")
        }
        if let avatar = profile?["avatar"]?.stringValue, !files.contains(where: { $0.path == avatar }) {
            warnings.append("profile.json: profile.avatar names \(avatar), which is not in the zip; the bot will show its default image")
        }
    }

    /// The one activated trading mode, or nil after recording why there is not exactly one.
    private static func checkTentacles(_ document: JSON?, files: [ArchiveFile], problems: inout [ArchiveProblem]) -> String? {
        let path = "tentacles_config.json"
        guard let document else {
            if !files.contains(where: { $0.path == path }) {
                problems.append(ArchiveProblem(path: path, message: "is missing: it says which trading mode the profile runs"))
            }
            return nil
        }
        guard let activation = document["tentacle_activation"]?.objectValue else {
            problems.append(ArchiveProblem(path: path, message: "must have a tentacle_activation object"))
            return nil
        }
        for (group, value) in activation.members {
            guard let tentacles = value.objectValue else {
                problems.append(ArchiveProblem(path: path, message: "tentacle_activation.\(group) must be an object of tentacle names to true or false"))
                continue
            }
            for (name, flag) in tentacles.members where flag.boolValue == nil {
                problems.append(ArchiveProblem(path: path, message: "tentacle_activation.\(group).\(name) must be true or false, got \(flag.typeName)"))
            }
        }
        let modes = activated(activation["Trading"])
        guard modes.count == 1, let mode = modes.first else {
            let message = modes.isEmpty
                ? "activates no trading mode; exactly one must be set to true under tentacle_activation.Trading"
                : "activates \(modes.count) trading modes (\(modes.joined(separator: ", "))); exactly one must be activated"
            problems.append(ArchiveProblem(path: path, message: message))
            return nil
        }
        return mode
    }

    /// `specific_config/` holds one flat JSON object per tentacle, named after it.
    private static func checkSpecificConfig(_ files: [ArchiveFile], documents: [String: JSON], problems: inout [ArchiveProblem]) {
        for file in files where file.path.hasPrefix("specific_config/") {
            let name = file.path.dropFirst("specific_config/".count)
            if name.contains("/") {
                problems.append(ArchiveProblem(path: file.path, message: "specific_config/ holds one JSON file per tentacle, without subfolders"))
            } else if !name.lowercased().hasSuffix(".json") {
                problems.append(ArchiveProblem(path: file.path, message: "specific_config/ holds only .json files, one per tentacle"))
            } else if let document = documents[file.path], document.objectValue == nil {
                problems.append(ArchiveProblem(path: file.path, message: "must be a JSON object of the tentacle's settings, got \(document.typeName)"))
            }
        }
    }

    /// Removes disabled exchanges from `config.exchanges`, as OctoBot's own export does; returns
    /// the document and the enabled exchanges in order.
    private static func removeDisabledExchanges(_ document: JSON, warnings: inout [String]) -> (JSON, [String]) {
        guard case .object(var root) = document, case .object(var config)? = root["config"],
            let exchanges = config["exchanges"]?.objectValue
        else { return (document, []) }
        let enabled = exchanges.filter { _, exchange in exchange["enabled"]?.boolValue == true }
        guard enabled.members.count != exchanges.members.count else { return (document, enabled.keys) }
        let removed = exchanges.keys.filter { !enabled.keys.contains($0) }
        warnings.append("profile.json: disabled exchanges were removed: \(removed.joined(separator: ", "))")
        config.set("exchanges", .object(enabled))
        root.set("config", .object(config))
        return (.object(root), enabled.keys)
    }

    /// Names set to true in a `{name: bool}` object, in order.
    private static func activated(_ value: JSON?) -> [String] {
        value?.objectValue?.members.filter { $0.value == .bool(true) }.map(\.key) ?? []
    }

    private static func pairs(_ currencies: JSON?) -> [String] {
        var seen: Set<String> = []
        var result: [String] = []
        for (_, currency) in currencies?.objectValue?.members ?? [] where currency["enabled"]?.boolValue != false {
            for pair in currency["pairs"]?.arrayValue?.compactMap(\.stringValue) ?? [] where seen.insert(pair).inserted {
                result.append(pair)
            }
        }
        return result
    }
}
