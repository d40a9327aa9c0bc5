import Application
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Closes a connection whose request head does not arrive within the header timeout.
///
/// First in the pipeline, it sees raw bytes: the clock starts when the connection opens and,
/// on a kept-alive connection, at the first byte after the previous exchange ended (before
/// that the connection is idle, which is the idle timeout's business). A client trickling a
/// header byte a second (slowloris) never completes its head and is closed on time; Hummingbird's
/// idle timeout alone would not do it, since it only counts decoded HTTP parts.
final class RequestHeadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum State { case awaitingHead, inExchange, idle }

    private let timeout: TimeAmount
    private let logger: Logger
    private var state = State.awaitingHead
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        if state == .awaitingHead { arm(context) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if state == .idle {
            state = .awaitingHead
            arm(context)
        }
        context.fireChannelRead(data)
    }

    /// A request head was decoded: the rest of the exchange has its own bounds.
    func headArrived() {
        state = .inExchange
        disarm()
    }

    /// Every request read and answered: the connection waits for the next one, or the idle timeout.
    func exchangeEnded() {
        state = .idle
        disarm()
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard timer == nil else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            timer = nil
            guard state == .awaitingHead, let context = self.context else { return }
            logger.debug("request head not received in time, closing the connection", metadata: ["remote": "\(context.remoteAddress.map { "\($0)" } ?? "?")"])
            context.close(promise: nil)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}

/// Behind the HTTP codec: tells `RequestHeadDeadline` where exchanges begin and end, and answers
/// a request the HTTP parser rejects (a head past the decoder's 80 KB limit, a malformed line)
/// with a JSON 400, where Hummingbird would send an empty one.
final class RequestBoundaries: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// How long the rest of a rejected request is read and dropped after the 400 before the
    /// connection closes: closing with unread input makes the kernel reset the connection, and
    /// the client could lose the answer (RFC 9112 §9.6).
    static let lingerAfterRejection = TimeAmount.seconds(2)

    private let deadline: RequestHeadDeadline
    private let logger: Logger
    private var heads = 0
    private var requestEnds = 0
    private var responseEnds = 0
    /// Set once the 400 is written: the decoder then reports every further read as an error,
    /// which must not reach Hummingbird (it would close the connection before the linger).
    private var rejected = false

    init(deadline: RequestHeadDeadline, logger: Logger) {
        self.deadline = deadline
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            heads += 1
            deadline.headArrived()
        case .body:
            break
        case .end:
            requestEnds += 1
            endIfIdle()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            responseEnds += 1
            endIfIdle()
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if rejected { return }
        // A response under way (the error is in a body, or in a pipelined request) is Hummingbird's to end.
        guard let parserError = error as? HTTPParserError, responseEnds == heads else {
            context.fireErrorCaught(error)
            return
        }
        let failure = parserError == .headerOverflow
            ? ServiceError(.invalidInput, code: "http.headers_too_large", message: "request headers too large")
            : ServiceError(.invalidInput, code: "http.bad_request", message: "malformed request")
        logger.debug("HTTP parse error, answering 400", metadata: ["error": "\(parserError)"])
        reject(context: context, failure: failure)
    }

    private func reject(context: ChannelHandlerContext, failure: ServiceError) {
        rejected = true
        var body = context.channel.allocator.buffer(capacity: 160)
        body.writeBytes((try? JSONBody.encoder().encode(ResponseBody.Failure(failure))) ?? Data(#"{"error":{"code":"http.bad_request","message":"malformed request"}}"#.utf8))
        body.writeString("\n")
        let head = HTTPResponse(status: .badRequest, headerFields: [
            .contentType: "application/json; charset=utf-8", .contentLength: String(body.readableBytes), .connection: "close",
        ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in
            context.close(mode: .output, promise: nil)
            context.eventLoop.assumeIsolated().scheduleTask(in: Self.lingerAfterRejection) { context.close(promise: nil) }
        }
    }

    private func endIfIdle() {
        if heads == requestEnds, heads == responseEnds { deadline.exchangeEnded() }
    }
}
