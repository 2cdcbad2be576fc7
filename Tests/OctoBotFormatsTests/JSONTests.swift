import ExactJSON
import OctoBotFormats
import Testing

@Suite("Order-preserving JSON")
struct JSONTests {
    @Test("keys keep document order and numbers keep their text through a round trip")
    func roundTrip() throws {
        let text = #"{"zeta": 1000, "alpha": [0.10, -2e3, true, null], "mid": {"b": "x\"\u00e9\n", "a": {}}}"#
        let value = try JSONParser.parse(Array(text.utf8))
        #expect(value.objectValue?.keys == ["zeta", "alpha", "mid"])
        #expect(value["alpha"]?.arrayValue?.first == .number("0.10"))
        #expect(value["mid"]?["b"]?.stringValue == "x\"é\n")
        let written = JSONWriter.bytes(value, pretty: true)
        #expect(try JSONParser.parse(written) == value)
        #expect(String(decoding: JSONWriter.bytes(value), as: UTF8.self) == #"{"zeta":1000,"alpha":[0.10,-2e3,true,null],"mid":{"b":"x\"é\n","a":{}}}"#)
    }

    @Test(
        "malformed documents are refused with a position",
        arguments: [
            #"{"a": 1,}"#, #"{"a" 1}"#, "[1 2]", "01", "1.", "-", #""\x""#, "\"tab\there\"", #"{"a": 1} x"#, "", "tru",
            #""\ud800""#, #"{"dup": 1, "dup": 2}"#,
        ]
    )
    func malformed(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test("nesting deeper than the limit is refused instead of exhausting the stack")
    func deepNesting() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = try #require(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(deep.utf8)) }
        #expect(error.message.contains("nested deeper"))
        #expect(try JSONParser.parse(Array((String(repeating: "[", count: 60) + String(repeating: "]", count: 60)).utf8)).arrayValue != nil)
    }

    @Test("invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test("surrogate pairs decode to one scalar")
    func surrogates() throws {
        #expect(try JSONParser.parse(Array(#""\ud83d\ude80""#.utf8)).stringValue == "🚀")
    }
}
