/** The Vert.x Web gateway: REST, SSE, WebSocket and the token relay (built out by "The token path"). */
package dev.parley.ingest;
