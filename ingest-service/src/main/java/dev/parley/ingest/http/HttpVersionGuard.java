package dev.parley.ingest.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Turns an HTTP/1 request line in another version ({@code HTTP/2.0}, {@code HTTP/9.9}) into an invalid request, so
 * the server's {@code invalidRequestHandler} ({@link RouterErrors#invalidRequest}) answers it with a JSON 400 like any
 * other unreadable request. Without it Vert.x answers such a line itself, before any handler, with an empty 501.
 * Netty's decoder accepts any {@code NAME/major.minor}; this sits right after it in the connection's pipeline.
 */
@ChannelHandler.Sharable
final class HttpVersionGuard extends ChannelInboundHandlerAdapter {

    private static final HttpVersionGuard INSTANCE = new HttpVersionGuard();
    private static final String NAME = "parley-http-version";

    private HttpVersionGuard() {
    }

    /** The server's connection handler: guards an HTTP/1 connection; an HTTP/2 one has no request line to guard. */
    static void install(HttpConnection connection) {
        if (!(connection instanceof ConnectionBase base)) {
            return;
        }
        ChannelPipeline pipeline = base.channel().pipeline();
        ChannelHandlerContext decoder = pipeline.context(HttpServerCodec.class);
        if (decoder == null) {
            decoder = pipeline.context(HttpRequestDecoder.class);
        }
        if (decoder != null && pipeline.get(NAME) == null) {
            pipeline.addAfter(decoder.name(), NAME, INSTANCE);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof HttpRequest request && request.decoderResult().isSuccess()) {
            HttpVersion version = request.protocolVersion();
            if (!version.equals(HttpVersion.HTTP_1_1) && !version.equals(HttpVersion.HTTP_1_0)) {
                request.setProtocolVersion(HttpVersion.HTTP_1_1); // the answer's status line
                request.setDecoderResult(DecoderResult.failure(new UnsupportedOperationException(
                        "version " + version.text() + " is not supported: use HTTP/1.1 (or HTTP/2 by an h2c upgrade)")));
            }
        }
        ctx.fireChannelRead(message);
    }
}
