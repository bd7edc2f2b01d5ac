package dev.parley.ingest.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.Http1xServerConnection;

/**
 * Turns an HTTP/1 request line in another version ({@code HTTP/2.0}, {@code HTTP/9.9}) into an invalid request, so
 * the server's {@code invalidRequestHandler} ({@link RouterErrors#invalidRequest}) answers it with a JSON 400 like any
 * other unreadable request. Without it Vert.x answers such a line itself, before any handler, with an empty 501.
 * Netty's decoder accepts any {@code NAME/major.minor}. It uses Vert.x's internal connection class to reach the Netty
 * pipeline: Vert.x has no public hook for it.
 */
@ChannelHandler.Sharable
final class HttpVersionGuard extends ChannelInboundHandlerAdapter {

    private static final HttpVersionGuard INSTANCE = new HttpVersionGuard();
    private static final String NAME = "parley-http-version";

    private HttpVersionGuard() {
    }

    /**
     * The server's connection handler: guards an HTTP/1 connection, right in front of Vert.x's own handler. Not right
     * after the decoder: with h2c on, Vert.x sets the connection up (and calls this) when the first request reaches
     * its h2c handler, and then passes that request on from there, past a guard placed earlier.
     */
    static void install(HttpConnection connection) {
        if (connection instanceof Http1xServerConnection http1) {
            ChannelPipeline pipeline = http1.channel().pipeline();
            if (pipeline.get(NAME) == null) {
                pipeline.addBefore(http1.channelHandlerContext().name(), NAME, INSTANCE);
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof HttpRequest request) {
            HttpVersion version = request.protocolVersion();
            // Netty returns its constants for exactly "HTTP/1.1" and "HTTP/1.0"; anything else (HTTP/2.0, and also
            // http/1.1: the version is case-sensitive) is another instance, which Vert.x would answer with a 501
            if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
                request.setProtocolVersion(HttpVersion.HTTP_1_1); // the answer's status line
                if (request.decoderResult().isSuccess()) { // else its own failure is reason enough for the 400
                    request.setDecoderResult(DecoderResult.failure(new UnsupportedOperationException("version "
                            + version.text() + " is not supported: use HTTP/1.1 (or HTTP/2 by an h2c upgrade)")));
                }
            }
        }
        ctx.fireChannelRead(message);
    }
}
