import CLibXML2
import Foundation
import LagesbildModel
import LagesbildStore

/// Receives a streaming parse's events with names and texts as bytes: a sheet of a million rows has tens of
/// millions of elements, and making a String or a dictionary for each (as Foundation's XMLParser does)
/// would cost more than reading the file. A class rather than a protocol: libxml2 calls back for every
/// element, and a class reached through an unretained pointer costs no reference counting per call.
class XMLStreamHandler {
    /// Set to stop the parse with this error.
    @exclusivity(unchecked) var failure: Error?
    fileprivate var context: xmlParserCtxtPtr?

    func start(_ name: XMLName, _ attributes: XMLAttributes) {}
    func end(_ name: XMLName) {}
    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {}

    /// Stops the parse at once (from a callback).
    final func stop(_ error: Error) {
        failure = error
        if let context { xmlStopParser(context) }
    }
}

/// An element's local name (without prefix), valid during the callback. Compared without measuring it first:
/// most comparisons fail on the first byte.
struct XMLName {
    let pointer: UnsafePointer<xmlChar>?

    init(_ pointer: UnsafePointer<xmlChar>?) { self.pointer = pointer }

    var bytes: UnsafeBufferPointer<UInt8> {
        guard let pointer else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: pointer, count: strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self)))
    }

    @inline(__always)
    static func == (name: XMLName, text: StaticString) -> Bool {
        guard let pointer = name.pointer else { return text.utf8CodeUnitCount == 0 }
        let expected = text.utf8Start
        for index in 0..<text.utf8CodeUnitCount where pointer[index] != expected[index] { return false }
        return pointer[text.utf8CodeUnitCount] == 0
    }
}

/// An element's attributes as libxml2's SAX2 hands them over: five pointers each (local name, prefix, URI,
/// value start, value end).
struct XMLAttributes {
    let pointer: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    let count: Int

    /// The local name and value of attribute `index`, valid during the callback.
    @inline(__always)
    func attribute(_ index: Int) -> (name: XMLName, value: UnsafeBufferPointer<UInt8>) {
        let base = pointer! + index * 5
        guard let start = base[3], let end = base[4] else { return (XMLName(base[0]), UnsafeBufferPointer(start: nil, count: 0)) }
        return (XMLName(base[0]), UnsafeBufferPointer(start: start, count: end - start))
    }

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

/// Thrown to the inflating thread when the parse has stopped listening.
struct WorkbookStop: Error {}

/// Chunks of a part handed from the thread that inflates it to the thread that parses it, through a short
/// queue: the two run side by side on two cores, and memory stays bounded.
final class ChunkQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var chunks: [Data] = []
    private var finished = false
    private var failure: Error?
    private var cancelled = false
    private var current = Data()
    private var offset = 0
    private static let depth = 8

    /// Producer: adds a chunk, waiting while the queue is full. Throws when the consumer has stopped.
    func put(_ data: Data) throws {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count >= Self.depth && !cancelled { condition.wait() }
        if cancelled { throw WorkbookStop() }
        chunks.append(data)
        condition.broadcast()
    }

    /// Producer: no more chunks (with the error that ended them, if any).
    func finish(_ error: Error?) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// Consumer: stop the producer.
    func cancel() {
        condition.lock()
        cancelled = true
        chunks.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// Consumer: copies up to `buffer.count` bytes; 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        if offset >= current.count {
            condition.lock()
            while chunks.isEmpty && !finished { condition.wait() }
            if chunks.isEmpty {
                condition.unlock()
                return 0
            }
            current = chunks.removeFirst()
            offset = 0
            condition.broadcast()
            condition.unlock()
        }
        let count = min(buffer.count, current.count - offset)
        current.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }

    /// The producer's error, once the consumer has read everything.
    var producerError: Error? {
        condition.lock()
        defer { condition.unlock() }
        return failure
    }
}

/// libxml2's parser pulling a part through a ``ChunkQueue`` (pull mode is several times cheaper than
/// libxml2's push mode, which looks ahead for every tag), so a sheet is never held whole.
///
/// The parser never loads a DTD, never substitutes entities and never touches the network; a document
/// with a DOCTYPE at all is refused (an Office Open XML part has none, and a DTD is what entity-expansion
/// attacks need).
enum XMLStream {
    /// Parses what `produce` writes into the queue (on another thread) with `handler`.
    static func parse(handler: XMLStreamHandler, produce: @escaping @Sendable (ChunkQueue) throws -> Void) throws {
        let queue = ChunkQueue()
        let producer = Thread {
            do {
                try produce(queue)
                queue.finish(nil)
            } catch {
                queue.finish(error)
            }
        }
        producer.stackSize = 1 << 20
        producer.start()
        defer { queue.cancel() }

        var sax = xmlSAXHandler()
        sax.initialized = UInt32(XML_SAX2_MAGIC)
        sax.startElementNs = { context, localName, _, _, _, _, attributeCount, _, attributes in
            Unmanaged<XMLStreamHandler>.fromOpaque(context!)._withUnsafeGuaranteedRef { handler in
                guard handler.failure == nil else { return }
                handler.start(XMLName(localName), XMLAttributes(pointer: attributes, count: Int(attributeCount)))
                if let failure = handler.failure { handler.stop(failure) }
            }
        }
        sax.endElementNs = { context, localName, _, _ in
            Unmanaged<XMLStreamHandler>.fromOpaque(context!)._withUnsafeGuaranteedRef { handler in
                guard handler.failure == nil else { return }
                handler.end(XMLName(localName))
                if let failure = handler.failure { handler.stop(failure) }
            }
        }
        sax.characters = { context, bytes, length in
            guard let bytes else { return }
            Unmanaged<XMLStreamHandler>.fromOpaque(context!)._withUnsafeGuaranteedRef { handler in
                guard handler.failure == nil else { return }
                handler.characters(UnsafeBufferPointer(start: bytes, count: Int(length)))
            }
        }
        sax.internalSubset = { context, _, _, _ in
            Unmanaged<XMLStreamHandler>.fromOpaque(context!)._withUnsafeGuaranteedRef { handler in
                handler.stop(XMLStreamError(message: "XML-delen har en DOCTYPE (DTD), vilket en arbetsbok aldrig har; den läses inte"))
            }
        }
        // Errors are read from the context afterwards; nothing is printed.
        sax.serror = { _, _ in }

        let read: xmlInputReadCallback = { context, buffer, length in
            let queue = Unmanaged<ChunkQueue>.fromOpaque(context!).takeUnretainedValue()
            return Int32(queue.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: Int(length))))
        }
        let user = Unmanaged.passUnretained(handler).toOpaque()
        guard let context = xmlCreateIOParserCtxt(&sax, user, read, nil, Unmanaged.passUnretained(queue).toOpaque(), XML_CHAR_ENCODING_NONE) else {
            throw XMLStreamError(message: "XML-tolken kunde inte startas")
        }
        defer {
            // A document with a DTD gets a document node from libxml2 even with SAX callbacks; free it too.
            if let document = context.pointee.myDoc { xmlFreeDoc(document) }
            xmlFreeParserCtxt(context)
        }
        handler.context = context
        // No NOENT (entities stay unexpanded), no DTDLOAD, NONET: nothing outside the part is read.
        xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue))
        let result = withExtendedLifetime(queue) { xmlParseDocument(context) }
        handler.context = nil
        if let failure = handler.failure { throw failure }
        // The inflating thread's error (a zip bomb, a broken entry) explains a parse that ended early.
        queue.cancel()
        if let error = queue.producerError, !(error is WorkbookStop) { throw error }
        guard result == 0, context.pointee.wellFormed != 0 else {
            var message = "ogiltig XML"
            if let error = xmlCtxtGetLastError(context), let text = error.pointee.message {
                message = "ogiltig XML på rad \(error.pointee.line): " + String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            throw XMLStreamError(message: message)
        }
    }
}
