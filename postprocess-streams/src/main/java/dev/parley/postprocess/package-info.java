/**
 * postprocess-streams: the Kafka Streams application that derives session snapshots, summaries, commitments and
 * embeddings from the ledger, off the token path ({@code topology}, {@code extract}, {@code embed}), and answers
 * snapshot and search queries ({@code query}). Started by {@link dev.parley.postprocess.PostprocessMain} or the
 * standalone run.
 */
package dev.parley.postprocess;
