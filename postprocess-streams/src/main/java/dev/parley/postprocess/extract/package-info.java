/** Rule-based, deterministic extraction over chat turns: user facts, assistant commitments and running summaries. */
package dev.parley.postprocess.extract;
