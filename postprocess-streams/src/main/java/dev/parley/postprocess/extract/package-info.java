/**
 * Extraction over chat turns: user facts, assistant commitments and running summaries. Rule-based and deterministic
 * by default; the commitment extractor and the summarizer each have an optional LLM-backed form, for which the
 * snapshot topology substitutes the deterministic one whenever it fails.
 */
package dev.parley.postprocess.extract;
