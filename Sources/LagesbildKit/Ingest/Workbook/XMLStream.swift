import CLibXML2
import Foundation

/// Receives a streaming parse's events with names and texts as bytes: a sheet of a million rows has tens of
/// millions of elements, and making a String or a dictionary for each (as Foundation's XMLParser does)
/// would cost more than reading the file.
protocol XMLStreamHandler: AnyObject {
    func start(_ name: XMLName, _ attributes: XMLAttributes)
    func end(_ name: XMLName)
    func characters(_ bytes: UnsafeBufferPointer<UInt8>)
    /// Set by the handler to stop the parse with this error.
    var failure: Error? { get }
}

extension XMLStreamHandler {
    var failure: Error? { nil }
}

/// An element's local name (without prefix), valid during the callback.
struct XMLName {
    let bytes: UnsafeBufferPointer<UInt8>

    init(_ pointer: UnsafePointer<xmlChar>?) {
        guard let pointer else { bytes = UnsafeBufferPointer(start: nil, count: 0); return }
        bytes = UnsafeBufferPointer(start: pointer, count: strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self)))
    }

    static func == (name: XMLName, text: StaticString) -> Bool {
        name.bytes.count == text.utf8CodeUnitCount
            && (name.bytes.count == 0 || memcmp(name.bytes.baseAddress!, text.utf8Start, name.bytes.count) == 0)
    }
}

/// An element's attributes as libxml2's SAX2 hands them over: five pointers each (local name, prefix, URI,
/// value start, value end).
struct XMLAttributes {
    let pointer: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    let count: Int

    /// The value of the attribute with this local name (any prefix), valid during the callback.
    func value(_ name: StaticString) -> UnsafeBufferPointer<UInt8>? {
        guard let pointer else { return nil }
        for index in 0..<count {
            let base = pointer + index * 5
            if XMLName(base[0]) == name, let start = base[3], let end = base[4] {
                return UnsafeBufferPointer(start: start, count: end - start)
            }
        }
        return nil
    }

    func string(_ name: StaticString) -> String? { value(name).map { String(decoding: $0, as: UTF8.self) } }
}

/// Why a part of a workbook could not be read.
struct XMLStreamError: Error {
    let message: String
}

/// libxml2's push parser, fed chunk by chunk as the zip entry inflates, so a sheet is never held whole.
///
/// The parser never loads a DTD, never substitutes entities and never touches the network; a document
/// with a DOCTYPE at all is refused (an Office Open XML part has none, and a DTD is what entity-expansion
/// attacks need).
final class XMLStream {
    private var context: xmlParserCtxtPtr?
    private var saxHandler = xmlSAXHandler()
    private unowned let handler: XMLStreamHandler
    /// Set by a callback (or the handler) to stop the parse with this error.
    var failure: Error?

    init(handler: XMLStreamHandler) {
        self.handler = handler
        saxHandler.initialized = UInt32(XML_SAX2_MAGIC)
        saxHandler.startElementNs = { context, localName, _, _, _, _, attributeCount, _, attributes in
            let stream = Unmanaged<XMLStream>.fromOpaque(context!).takeUnretainedValue()
            guard stream.failure == nil else { return }
            stream.handler.start(XMLName(localName), XMLAttributes(pointer: attributes, count: Int(attributeCount)))
            if let failure = stream.handler.failure { stream.failure = failure }
            if stream.failure != nil { stream.stop() }
        }
        saxHandler.endElementNs = { context, localName, _, _ in
            let stream = Unmanaged<XMLStream>.fromOpaque(context!).takeUnretainedValue()
            guard stream.failure == nil else { return }
            stream.handler.end(XMLName(localName))
            if let failure = stream.handler.failure { stream.failure = failure }
            if stream.failure != nil { stream.stop() }
        }
        saxHandler.characters = { context, bytes, length in
            let stream = Unmanaged<XMLStream>.fromOpaque(context!).takeUnretainedValue()
            guard stream.failure == nil, let bytes else { return }
            stream.handler.characters(UnsafeBufferPointer(start: bytes, count: Int(length)))
        }
        saxHandler.internalSubset = { context, _, _, _ in
            let stream = Unmanaged<XMLStream>.fromOpaque(context!).takeUnretainedValue()
            stream.failure = XMLStreamError(message: "XML-delen har en DOCTYPE (DTD), vilket en arbetsbok aldrig har; den läses inte")
            stream.stop()
        }
        // Errors are read from the context after each chunk; nothing is printed.
        saxHandler.serror = { _, _ in }
    }

    deinit {
        if let context { xmlFreeParserCtxt(context) }
    }

    private func stop() {
        if let context { xmlStopParser(context) }
    }

    func feed(_ bytes: UnsafeRawBufferPointer) throws {
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        if context == nil {
            let user = Unmanaged.passUnretained(self).toOpaque()
            context = xmlCreatePushParserCtxt(&saxHandler, user, nil, 0, nil)
            guard context != nil else { throw XMLStreamError(message: "XML-tolken kunde inte startas") }
            // No NOENT (entities stay unexpanded), no DTDLOAD, NONET: nothing outside the part is read.
            xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue))
        }
        let result = xmlParseChunk(context, base, Int32(bytes.count), 0)
        try check(result)
    }

    func finish() throws {
        if context == nil { try feed(UnsafeRawBufferPointer(start: nil, count: 0)) }
        let result = xmlParseChunk(context, nil, 0, 1)
        try check(result)
    }

    private func check(_ result: Int32) throws {
        if let failure { throw failure }
        guard result == 0 else {
            var message = "ogiltig XML"
            if let error = xmlCtxtGetLastError(context), let text = error.pointee.message {
                message = "ogiltig XML på rad \(error.pointee.line): "
                    + String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            throw XMLStreamError(message: message)
        }
    }
}
