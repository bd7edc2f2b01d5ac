/** The Kafka Streams application: snapshots, embeddings, commitments, compaction (built out by "postprocess-streams"). */
package dev.parley.postprocess;
